export const MAX_CELL_LINES: number;
export function markdownProse(markdown: string): string;
export function bareUnderscores(markdown: string): string[];
export function notebookProblems(nb: { cells: { cell_type: string; id?: string; source: string | string[]; outputs?: { data?: Record<string, unknown> }[] }[] }): string[];
