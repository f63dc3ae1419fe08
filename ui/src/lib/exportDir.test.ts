import { describe, expect, it, vi } from 'vitest';

const exportDirDefault = vi.fn<() => Promise<string | null>>();
vi.mock('../backend', () => ({ backend: { exportDirDefault: () => exportDirDefault() } }));
vi.mock('./app.svelte', () => ({ checkFatal: vi.fn(() => false) }));

import { ExportDir } from './exportDir.svelte';

describe('ExportDir', () => {
  it('passes null for an empty field, so the backend picks its default folder', () => {
    const d = new ExportDir();
    d.value = '   ';
    expect(d.target).toBeNull();
    d.value = ' /tmp/out ';
    expect(d.target).toBe('/tmp/out');
  });
  it('shows the default folder unless the user typed one first', async () => {
    exportDirDefault.mockResolvedValue('/home/u/Vernetzt');
    const empty = new ExportDir();
    await empty.loadDefault();
    expect(empty.value).toBe('/home/u/Vernetzt');
    const typed = new ExportDir();
    typed.value = '/mine';
    await typed.loadDefault();
    expect(typed.value).toBe('/mine');
  });
  it('shows where the files went when the field was empty, and keeps a typed folder', () => {
    const d = new ExportDir();
    d.wrote({ dir: '/default', files: [] });
    expect(d.value).toBe('/default');
    d.value = '/mine';
    d.wrote({ dir: '/elsewhere', files: [] });
    expect(d.value).toBe('/mine');
  });
});
