import { PassThrough, Readable } from 'node:stream';
import { runWhenCommand } from '../bot/cli/when';

async function run(args: string[], stdinText = '') {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const code = await runWhenCommand(args, { stdin: Readable.from([stdinText]), stdout, stderr });
  return { code, out, err };
}

describe('when CLI', () => {
  it('prints the wanted time as one JSON line', async () => {
    const r = await run(['明天上午10点', '--now', '2026-11-27T10:00:00+08:00', '--tz', 'Asia/Shanghai']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('{"date":"2026-11-28","time":"10:00","part":"morning"}\n');
  });

  it('defaults the zone to Asia/Shanghai', async () => {
    const r = await run(['明天', '--now', '2026-11-27T16:30:00Z']); // 00:30 on the 28th in Shanghai
    expect(JSON.parse(r.out)).toEqual({ date: '2026-11-29', time: null, part: null });
  });

  it('prints null when there is no date', async () => {
    const r = await run(['5000公里', '--now=2026-11-27T10:00:00+08:00']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('null\n');
  });

  it.each([
    [['明天', '--now', 'yesterday-ish']],
    [['明天', '--now', '2026-13-45T10:00:00Z']],
    [['明天', '--tz', 'Mars/Olympus']],
    [['明天', '--now']],
    [['明天', '--bogus']],
    [[]],
  ])('exits 2 with a message for bad arguments %j', async (args) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^when: .+/);
  });

  it('processes JSON lines in --batch mode, one result per line, errors inline', async () => {
    const input = [
      JSON.stringify({ text: '明天3点', now: '2026-11-27T10:00:00+08:00', tz: 'Asia/Shanghai' }),
      'not json',
      JSON.stringify({ text: 'tomorrow at 3', now: '2026-11-27T10:00:00Z', tz: 'UTC' }),
      JSON.stringify({ text: '明天', now: 'bad', tz: 'Asia/Shanghai' }),
      JSON.stringify({ text: '明天', now: '2026-11-27T10:00:00Z', tz: 'Nowhere/Land' }),
      JSON.stringify({ now: '2026-11-27T10:00:00Z' }),
      JSON.stringify({ text: '680元', now: '2026-11-27T10:00:00Z', tz: 'UTC' }),
    ].join('\n');
    const r = await run(['--batch'], input + '\n');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(7);
    expect(lines[0]).toEqual({ date: '2026-11-28', time: '15:00', part: null });
    expect(lines[1].error).toMatch(/invalid JSON/);
    expect(lines[2]).toEqual({ date: '2026-11-28', time: '15:00', part: null });
    expect(lines[3].error).toMatch(/now/);
    expect(lines[4].error).toMatch(/time zone/);
    expect(lines[5].error).toMatch(/text/);
    expect(lines[6]).toBeNull();
  });
});

describe('when CLI --hours', () => {
  it("reads an hour without am/pm against the shop's hours", async () => {
    const late = await run(['明天8点', '--now', '2026-11-27T10:00:00+08:00', '--hours', '12:00-22:00']);
    expect(late.out).toBe('{"date":"2026-11-28","time":"20:00","part":null}\n');
    const usual = await run(['明天8点', '--now', '2026-11-27T10:00:00+08:00', '--hours=08:30-18:00']);
    expect(usual.out).toBe('{"date":"2026-11-28","time":"08:00","part":null}\n');
  });

  it.each([['8-9'], ['18:00-09:00'], ['09:00'], ['25:00-26:00']])('exits 2 for --hours %s', async (hours) => {
    const r = await run(['明天8点', '--hours', hours]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^when: hours: /);
  });

  it('takes hours per line in --batch mode, the option otherwise', async () => {
    const input = [
      JSON.stringify({ text: '明天8点', now: '2026-11-27T10:00:00+08:00', hours: '07:00-12:00' }),
      JSON.stringify({ text: '明天8点', now: '2026-11-27T10:00:00+08:00' }),
      JSON.stringify({ text: '明天8点', hours: 'soon' }),
    ].join('\n');
    const r = await run(['--batch', '--hours', '12:00-22:00'], input + '\n');
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ date: '2026-11-28', time: '08:00', part: null });
    expect(lines[1]).toEqual({ date: '2026-11-28', time: '20:00', part: null });
    expect(lines[2].error).toMatch(/hours/);
  });
});
