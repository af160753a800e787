import { TurnGate, TurnGateFullError, defaultMaxRunning, POOL_RESERVE, EMBEDDED_MAX_RUNNING } from '../bot/turn-gate';
import { TurnInProgressError } from '../bot/turn-store';

/** A promise the test settles by hand: turns that run until the test lets them finish. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets every already settled promise run its continuations. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('TurnGate', () => {
  it('runs waiting turns in arrival order', async () => {
    const gate = new TurnGate({ maxRunning: 1 });
    const started: string[] = [];
    const hold = deferred();
    const first = gate.run('c0', null, null, async () => {
      started.push('t0');
      await hold.promise;
    });
    const rest = Array.from({ length: 6 }, (_, i) => gate.run(`c${i + 1}`, null, null, async () => void started.push(`t${i + 1}`)));
    await settle();
    expect(started).toEqual(['t0']);
    expect(gate.stats()).toMatchObject({ running: 1, waiting: 6 });
    hold.resolve();
    await Promise.all([first, ...rest]);
    expect(started).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6']);
    expect(gate.stats()).toMatchObject({ running: 0, waiting: 0 });
  });

  it('never runs more than maxRunning turns at once, and every turn runs', async () => {
    const gate = new TurnGate({ maxRunning: 3 });
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        gate.run(`c${i % 7}`, `turn-${i}`, null, async () => {
          running++;
          peak = Math.max(peak, running);
          // Turns of different lengths, so places free up in a shuffled order.
          for (let k = 0; k < (i * 7) % 5; k++) await settle();
          running--;
          done.push(i);
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it('tells a conversation once per overload episode, and again in the next one', async () => {
    const gate = new TurnGate({ maxRunning: 1, busyAfterWaiting: 0 });
    const told: string[] = [];
    const tell = (c: string) => async () => void told.push(c);
    const episode = async () => {
      const hold = deferred();
      const blocker = gate.run('x', null, tell('x'), () => hold.promise);
      // A writes three times and B once while the place is taken: A hears it once, B once.
      const waiting = ['A', 'A', 'B', 'A'].map((c) => gate.run(c, null, tell(c), async () => {}));
      await settle();
      hold.resolve();
      await Promise.all([blocker, ...waiting]);
    };
    await episode();
    expect(told).toEqual(['A', 'B']);
    // The queue drained: the episode is over, the next overload tells them again.
    await episode();
    expect(told).toEqual(['A', 'B', 'A', 'B']);
  });

  it('tells only turns whose expected wait (place × average turn ÷ maxRunning) is beyond busyAfterMs', async () => {
    // Before any turn was measured the average is 500 ms: with one place, the 7th in line expects 3.5 s.
    const gate = new TurnGate({ maxRunning: 1, busyAfterMs: 3000 });
    const told: string[] = [];
    const hold = deferred();
    const blocker = gate.run('c0', null, null, () => hold.promise);
    const waiting = Array.from({ length: 8 }, (_, i) => gate.run(`c${i + 1}`, null, async () => void told.push(`c${i + 1}`), async () => {}));
    await settle();
    hold.resolve();
    await Promise.all([blocker, ...waiting]);
    expect(told).toEqual(['c7', 'c8']);
  });

  it('does not count a turn with nothing to say (a card press) as the conversation told', async () => {
    const gate = new TurnGate({ maxRunning: 1, busyAfterWaiting: 0 });
    const told: string[] = [];
    const hold = deferred();
    const blocker = gate.run('x', null, null, () => hold.promise);
    const press = gate.run('A', null, null, async () => {});
    const message = gate.run('A', null, async () => void told.push('A'), async () => {});
    await settle();
    hold.resolve();
    await Promise.all([blocker, press, message]);
    expect(told).toEqual(['A']);
  });

  it('sends the busy reply before the turn runs, and runs the turn when the reply fails', async () => {
    const gate = new TurnGate({ maxRunning: 1, busyAfterWaiting: 0 });
    const events: string[] = [];
    const hold = deferred();
    const blocker = gate.run('a', null, null, () => hold.promise);
    const b = gate.run('b', null, async () => void events.push('busy b'), async () => void events.push('answer b'));
    const c = gate.run('c', null, async () => {
      events.push('busy c');
      throw new Error('connector down');
    }, async () => void events.push('answer c'));
    await settle();
    expect(events).toEqual(['busy b', 'busy c']);
    hold.resolve();
    await Promise.all([blocker, b, c]);
    expect(events).toEqual(['busy b', 'busy c', 'answer b', 'answer c']);
  });

  it('refuses new turns beyond the hard cap on waiting ones, and takes them again once there is room', async () => {
    const gate = new TurnGate({ maxRunning: 1, maxWaiting: 2 });
    const hold = deferred();
    const ran: string[] = [];
    const admitted = [gate.run('a', null, null, () => hold.promise), gate.run('b', null, null, async () => void ran.push('b')), gate.run('c', null, null, async () => void ran.push('c'))];
    await expect(gate.run('d', null, null, async () => void ran.push('d'))).rejects.toBeInstanceOf(TurnGateFullError);
    hold.resolve();
    await Promise.all(admitted);
    await gate.run('d', null, null, async () => void ran.push('d'));
    expect(ran).toEqual(['b', 'c', 'd']);
  });

  it('does not queue a redelivered turn twice while the first copy waits or runs', async () => {
    const gate = new TurnGate({ maxRunning: 1 });
    const hold = deferred();
    const first = gate.run('a', 'msteams:1', null, () => hold.promise);
    const waiting = gate.run('b', 'msteams:2', null, async () => {});
    await expect(gate.run('a', 'msteams:1', null, async () => {})).rejects.toBeInstanceOf(TurnInProgressError);
    await expect(gate.run('b', 'msteams:2', null, async () => {})).rejects.toBeInstanceOf(TurnInProgressError);
    hold.resolve();
    await Promise.all([first, waiting]);
    // Once it finished, a later copy is the turn store's business (it answers a redelivery).
    await expect(gate.run('a', 'msteams:1', null, async () => 'again')).resolves.toBe('again');
  });

  it('gives the place to the next turn when a turn fails', async () => {
    const gate = new TurnGate({ maxRunning: 1 });
    const failing = gate.run('a', null, null, async () => {
      throw new Error('boom');
    });
    const next = gate.run('b', null, null, async () => 'answered');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('answered');
    expect(gate.stats()).toMatchObject({ running: 0, waiting: 0 });
  });

  it('follows the measured turn durations in its estimate', async () => {
    let clock = 0;
    const gate = new TurnGate({ maxRunning: 1 }, () => clock);
    for (let i = 0; i < 30; i++)
      await gate.run('a', null, null, async () => {
        clock += 2000;
      });
    expect(gate.stats().averageTurnMs).toBeGreaterThan(1900);
    expect(gate.stats().averageTurnMs).toBeLessThanOrEqual(2000);
  });
});

describe('defaultMaxRunning', () => {
  it('leaves the pool reserve to jobs and proactive sends on PostgreSQL, and a few turns on the embedded database', () => {
    expect(defaultMaxRunning({ engine: 'postgres', concurrency: 10 })).toBe(10 - POOL_RESERVE);
    expect(defaultMaxRunning({ engine: 'postgres', concurrency: 2 })).toBe(1);
    expect(defaultMaxRunning({ engine: 'pglite', concurrency: 1 })).toBe(EMBEDDED_MAX_RUNNING);
  });
});
