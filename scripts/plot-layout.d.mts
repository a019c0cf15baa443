export interface TextBox { text: string; box: { x0: number; y0: number; x1: number; y1: number } }
export interface Drawing { width: number; height: number; texts: TextBox[] }
export interface PlotDrawing { id: string; svg: string; vega: unknown }
export function plotLayoutPage(plots: PlotDrawing[], vegaScript: string): string;
export function drawingProblems(drawing: Drawing): string[];
export function layoutProblems(report: any): string[];
export function checkPlotLayout(browser: string, plots: PlotDrawing[], options: { page: string; vegaScript: string }): { problems: string[]; report: any };
