export function findChromium(env?: NodeJS.ProcessEnv): string | undefined;
export function chromiumArgs(profile: string, budgetMs?: number): string[];
export function pageReport(browser: string, file: string, options: { id: string; width?: number; height?: number; budgetMs?: number }): any;
