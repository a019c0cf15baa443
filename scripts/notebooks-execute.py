"""Executes one notebook headless with nbclient (the library under `jupyter nbconvert --execute`) and
names the first failing cell. Called by scripts/notebooks.mjs with the Python that has Jupyter.

usage: notebooks-execute.py IN.ipynb OUT.ipynb TIMEOUT_S
exit 0: every cell ran; exit 1: a cell failed — stderr has one line
  `<notebook>: cell <n> (id <id>, `<first source line>`) failed: <error>`
OUT is written in both cases (the executed cells so far), with the outputs as nbconvert stores them.
A cell fails when the kernel replies with an error, or when it prints a TypeScript diagnostic
(tslab reports those on stderr as `line:col - message`). A notebook fails when it leaves TensorFlow.js
tensors allocated: a probe cell before the first and after the last (both left out of OUT) reads
tf.engine().state.numTensors (what tf.memory().numTensors reports), which must be back to its start.
"""
import json
import os
import re
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError, CellTimeoutError
from nbconvert.preprocessors import coalesce_streams

# the probes touch no backend (tf.engine() does not initialise one), so a notebook still picks its own; the
# built package by its path, so notebooks outside notebooks/ are probed too (TensorFlow.js keeps one engine per process)
PACKAGE = json.dumps(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'dist', 'index.js'))
PROBE_START = f"(globalThis as any).__rdbmTensorsAtStart = require({PACKAGE}).tf.engine().state.numTensors;"
PROBE_END = f"console.log(`rdbm-tensors-left: ${{require({PACKAGE}).tf.engine().state.numTensors - (globalThis as any).__rdbmTensorsAtStart}}`);"
TENSORS_LEFT = re.compile(r'rdbm-tensors-left: (-?\d+)')
DIAGNOSTIC = re.compile(r'^\d+:\d+ - .*$', re.M)
ERROR_LINE = re.compile(r'^\w*(Error|Exception)\b.*$', re.M)


def describe(nb_path, index, cell, message):
    if index == 0:
        return f'{nb_path}: the tensor probe before the first cell failed: {message}'
    index -= 1  # the start probe comes first
    first = next((l for l in cell.source.splitlines() if l.strip()), '')
    first = first if len(first) <= 60 else first[:57] + '...'
    return f'{nb_path}: cell {index + 1} (id {cell.get("id", "?")}, `{first}`) failed: {message}'


def stderr_text(cell):
    return ''.join(o.get('text', '') for o in cell.get('outputs', []) if o.get('output_type') == 'stream' and o.get('name') == 'stderr')


def main():
    src, dst, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3])
    nb = nbformat.read(src, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(PROBE_START))
    nb.cells.append(nbformat.v4.new_code_cell(PROBE_END))
    failure = []

    def on_error(cell, cell_index, execute_reply):
        content = execute_reply.get('content', {}) if execute_reply else {}
        text = stderr_text(cell)
        found = DIAGNOSTIC.search(text) or ERROR_LINE.search(text)
        message = f"{content.get('ename')}: {content.get('evalue')}" if content.get('ename') else (found.group(0) if found else 'the kernel replied with an error')
        failure.append(describe(src, cell_index, cell, message))

    def on_executed(cell, cell_index, execute_reply):
        if cell.cell_type != 'code' or failure:
            return
        found = DIAGNOSTIC.search(stderr_text(cell))
        if found:
            failure.append(describe(src, cell_index, cell, f'TypeScript: {found.group(0)}'))

    client = NotebookClient(nb, timeout=timeout, resources={'metadata': {'path': os.path.dirname(os.path.abspath(src))}},
                            on_cell_error=on_error, on_cell_executed=on_executed)
    try:
        client.execute()
    except CellExecutionError:
        pass
    except CellTimeoutError as e:
        failure.append(f'{src}: a cell timed out after {timeout} s ({str(e).splitlines()[0]})')
    except DeadKernelError as e:
        failure.append(f'{src}: the kernel died ({e})')
    probe = nb.cells.pop()
    nb.cells.pop(0)
    if not failure:
        left = TENSORS_LEFT.search(''.join(o.get('text', '') for o in probe.get('outputs', [])))
        if not left:
            failure.append(f'{src}: the tensor probe after the last cell printed nothing (is rdbm-lab built?)')
        elif int(left.group(1)) != 0:
            failure.append(f'{src}: {left.group(1)} tensor(s) still allocated at the end (tf.memory().numTensors must be back to its start: dispose them, or run the work in tensorScope)')
    # as `jupyter nbconvert --execute` stores them: consecutive stream outputs merged
    nb, _ = coalesce_streams(nb, {})
    nbformat.write(nb, dst)
    if failure:
        print(failure[0], file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
