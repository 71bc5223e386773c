// The CLI's progress (a bar with ETA on a terminal, plain lines elsewhere), its argument checks
// and its help, without a child process.
import { describe, expect, it } from 'vitest';
import { COMMANDS, commandHelp, overview, runCli } from '../../electron/cli/run.js';
import { Progress, formatDuration, table, type TextSink } from '../../electron/cli/output.js';

function sink(isTTY: boolean): TextSink & { text: string } {
  return {
    isTTY,
    columns: 80,
    text: '',
    write(chunk: string) {
      this.text += chunk;
    },
  };
}

describe('progress', () => {
  it('redraws one bar with percent and ETA on a terminal', () => {
    let now = 0;
    const out = sink(true);
    const progress = new Progress(out, () => now);
    progress.update('hashing', 0, 100);
    now = 2000;
    progress.update('hashing', 25, 100);
    now = 2050;
    progress.update('hashing', 26, 100); // within 100 ms: not redrawn
    now = 4000;
    progress.update('hashing', 50, 100);
    progress.end();
    const frames = out.text.split('\r').filter(Boolean);
    expect(frames).toHaveLength(3);
    expect(frames[1]!.trimEnd()).toBe('hashing [######------------------] 25% 25/100 ~6s left');
    expect(frames[2]!.trimEnd()).toBe('hashing [############------------] 50% 50/100 ~4s left');
    expect(frames[2]!.endsWith('\n')).toBe(true);
    expect(frames[1]!.length).toBe(79);
  });

  it('writes a plain line per phase and per tenth when not a terminal', () => {
    let now = 0;
    const out = sink(false);
    const progress = new Progress(out, () => now);
    progress.update('scanning', 0, 0);
    for (let i = 0; i <= 40; i++) {
      now += 100;
      progress.update('importing', i, 40);
    }
    progress.end();
    const lines = out.text.trimEnd().split('\n');
    expect(lines[0]).toBe('scanning');
    expect(lines.filter((l) => l.startsWith('importing'))).toHaveLength(11);
    expect(lines.at(-1)).toBe('importing 40/40 (100%)');
    expect(out.text).not.toContain('\r');
  });

  it('formats durations and tables', () => {
    expect([formatDuration(400), formatDuration(59_000), formatDuration(61_000), formatDuration(3_725_000)]).toEqual(['0s', '59s', '1m01s', '1h02m']);
    expect(table([['a', 'count'], ['long name', 3]])).toEqual(['a          count', 'long name      3']);
  });
});

describe('CLI front door', () => {
  const io = () => ({ stdout: sink(false), stderr: sink(false) });
  const never = new AbortController().signal;

  it('documents every command in the overview and in its own help', () => {
    const text = overview();
    for (const command of COMMANDS) {
      expect(text).toContain(`  ${command.name} `);
      const help = commandHelp(command);
      expect(help.startsWith(`Usage: transfer-studio ${command.name}`)).toBe(true);
      for (const option of Object.keys(command.options ?? {})) expect(help, `${command.name} --${option}`).toMatch(new RegExp(`--${option}\\s.*\\S`));
    }
  });

  it('maps outcomes to exit codes', async () => {
    let streams = io();
    expect(await runCli(['--version'], streams, never)).toBe(0);
    expect(streams.stdout.text).toMatch(/^\d+\.\d+\.\d+\n$/);
    streams = io();
    expect(await runCli(['help', 'nope'], streams, never)).toBe(2);
    streams = io();
    expect(await runCli(['info', '/definitely/not/here', '--json'], streams, never)).toBe(1);
    expect(JSON.parse(streams.stdout.text)).toMatchObject({ error: { code: 'not_found' } });
  });
});
