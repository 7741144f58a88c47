import { IANAZone } from 'luxon';
import { invalid } from './errors.js';

export const isValidTimeZone = (zone: string): boolean => IANAZone.isValidZone(zone);

export function assertTimeZone(zone: string, field = 'timeZone'): void {
  if (!isValidTimeZone(zone)) {
    throw invalid('invalid_time_zone', `${field}: "${zone}" is not an IANA time zone (e.g. Europe/Paris).`, { field });
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$|^[^\s@]+@localhost$/;

export function normalizeEmail(email: string, field = 'email'): string {
  const e = email.trim().toLowerCase();
  if (!EMAIL.test(e) || e.length > 254) throw invalid('invalid_email', `${field}: "${email}" is not an email address.`, { field });
  return e;
}

/** E.164 phone numbers: + then 8 to 15 digits. */
export function normalizePhone(phone: string, field = 'phone'): string {
  const p = phone.replace(/[\s().-]/g, '');
  if (!/^\+[1-9]\d{7,14}$/.test(p)) {
    throw invalid('invalid_phone', `${field}: "${phone}" is not a phone number in E.164 form (e.g. +14155550123).`, { field });
  }
  return p;
}

export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}

export function requireText(value: string, field: string, max = 200): string {
  const v = value.trim();
  if (!v) throw invalid('invalid_field', `${field} must not be empty.`, { field });
  if (v.length > max) throw invalid('invalid_field', `${field} must be at most ${max} characters.`, { field });
  return v;
}
