import { initBackend, backendChoice } from '../src/backend';
import { patchWasmKernels } from '../src/kernels/wasm';
import { GanConfigError } from '../src/errors';
import '../src/node-services'; // installs the Node services (file system, workers), as the Node entry does

beforeAll(async () => {
  const choice = await initBackend({ log: null });
  expect(choice.name).toBe('wasm'); // no tfjs-node here: the fastest registry backend
});

test('initBackend reports its choice once and validates names', async () => {
  expect(backendChoice()?.name).toBe('wasm');
  expect((await initBackend()).name).toBe('wasm');
  expect(patchWasmKernels()).toEqual([]); // idempotent
});

test('an unknown backend name is a GanConfigError naming the argument', async () => {
  await expect(initBackend({ backend: 'webgl' as 'cpu', log: null })).rejects.toThrow(GanConfigError);
  await expect(initBackend({ backend: 'webgl' as 'cpu', log: null })).rejects.toThrow(
    /backend: expected one of tensorflow, wasm, cpu, got 'webgl'/,
  );
});
