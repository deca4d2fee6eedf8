// The errors the CLI prints as one line: bad usage (exit 2), and an input that cannot be read
// (exit 2 when it was the only input; with several, the others are still diagnosed and the exit
// code adds 2 to what the findings give: README, "Exit codes").
export class UsageError extends Error {
  /** exitNow: end the process at once (a read still blocked in the kernel would keep it alive). */
  constructor(
    message: string,
    readonly exitNow = false,
  ) {
    super(message);
  }
}

/** One input that cannot be read: binary, unreadable, broken compressed data. */
export class InputError extends UsageError {}

export const EXIT_NOTHING_FOUND = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
/** Added to the findings' code when some input could not be read: 3 = findings and an input error. */
export const EXIT_INPUT_ERROR = 2;
