import { randomBytes, randomFillSync } from 'node:crypto';

/**
 * Sortable identifiers: UUIDv7 (48-bit millisecond timestamp, then random bits), lowercase text.
 * Monotonic within one process even when many are made in the same millisecond.
 */
let lastMs = 0;
let seq = 0;

// Random bytes drawn from the system 4 KiB at a time: one call per 256 ids instead of one per id.
const pool = Buffer.alloc(4096);
let poolAt = pool.length;
function random16(): Buffer {
  if (poolAt + 16 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const b = Buffer.from(pool.subarray(poolAt, poolAt + 16));
  poolAt += 16;
  return b;
}

export function newId(nowMs: number = Date.now()): string {
  if (nowMs <= lastMs) {
    seq = (seq + 1) & 0xfff;
    if (seq === 0) lastMs += 1;
    nowMs = lastMs;
  } else {
    lastMs = nowMs;
    seq = random16().readUInt16BE(0) & 0x3ff;
  }
  const b = random16();
  b.writeUIntBE(nowMs, 0, 6);
  b[6] = 0x70 | ((seq >> 8) & 0x0f);
  b[7] = seq & 0xff;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A random secret, URL-safe, with a recognisable prefix (`vgl_`, `vgs_`...). */
export function newSecret(prefix: string, bytes = 24): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

export const isUuid = (s: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(s);
