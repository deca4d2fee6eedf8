// The error the CLI prints as one line with exit code 2: bad usage or bad input.
export class UsageError extends Error {
  /** exitNow: end the process at once (a read still blocked in the kernel would keep it alive). */
  constructor(
    message: string,
    readonly exitNow = false,
  ) {
    super(message);
  }
}

export const EXIT_NOTHING_FOUND = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
