import { describe, expect, it } from 'vitest';
import { DEGRADATIONS, DEGRADATION_NAMES } from '../../src/data/degradations/index.js';
import { TASKS, TASK_FOLDERS, taskKey, taskTitle } from '../../src/datasets/tasks.js';

describe('task folders: one definition', () => {
  it('maps the five RDBM/DGSolver task folders to the keys of reproduced.json, and any other folder to its own name', () => {
    expect(TASKS.map((t) => [t.folder, taskKey(t.folder)])).toEqual([
      ['Deraining', 'deraining'],
      ['Enlighening', 'low-light'],
      ['Desnowing', 'desnowing'],
      ['Dehazing', 'dehazing'],
      ['Deblur', 'deblurring'],
    ]);
    expect(taskKey('low-light')).toBe('low-light');
    expect(taskKey('Rain100H')).toBe('Rain100H');
    expect(taskTitle('Enlighening')).toBe('Low-light');
    expect(taskTitle('UnderWater')).toBe('UnderWater');
    expect(TASK_FOLDERS['low-light']).toBe('Enlighening');
  });

  it('is the one the reports and the mini-uir generator use', () => {
    expect(DEGRADATION_NAMES.map((n) => DEGRADATIONS[n].task)).toEqual(TASKS.map((t) => t.folder));
  });
});
