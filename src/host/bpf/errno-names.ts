// errno numbers as names for probe results, from the shared errno table.
import { errnoByNumber } from '../../core/errno.js';

export function errnoName(errno: number): string {
  return errnoByNumber(errno)?.name ?? `errno ${errno}`;
}
