/**
 * Password hashing with scrypt (memory-hard, in Node's standard library): N=2^15, r=8, p=1.
 * Stored as `scrypt$N$r$p$salt$hash` so the parameters can be raised later.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { PasswordHasher } from './ports.js';

const scryptAsync = (password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> =>
  new Promise((resolve, reject) => scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));

export function scryptHasher(cost = 1 << 15): PasswordHasher {
  return {
    async hash(password) {
      const salt = randomBytes(16);
      const key = await scryptAsync(password, salt, 64, { N: cost, r: 8, p: 1, maxmem: 256 * cost * 8 });
      return `scrypt$${cost}$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
    },
    async verify(password, stored) {
      const [alg, n, r, p, salt, hash] = stored.split('$');
      if (alg !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
      const N = Number(n);
      const expected = Buffer.from(hash, 'base64url');
      const key = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length || 64, { N, r: Number(r), p: Number(p), maxmem: 256 * N * Number(r) });
      return key.length === expected.length && timingSafeEqual(key, expected);
    },
  };
}
