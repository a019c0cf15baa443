/** Where a command writes: the one output interface every layer takes (the CLI passes process streams). */
export interface Io {
  /** writes to standard output (no newline added) */
  out(text: string): void;
  /** writes to standard error (no newline added): progress, warnings */
  err(text: string): void;
  /** true when stderr is a terminal (progress may redraw one line) */
  readonly errIsTTY: boolean;
}
