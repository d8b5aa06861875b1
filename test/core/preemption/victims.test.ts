import { describe, expect, it } from 'vitest';
import { chooseVictims, unitsOf, type Holding } from '../../../src/core/preemption/victims.js';

const CPU = 0;
const GPU = 1;

/** A candidate holding `gpu` gpus and `cpu` cpus, named for the test. */
function holder(name: string, gpu: number, cpu = 0): Holding & { name: string } {
  const types: number[] = [];
  const units: number[] = [];
  if (cpu > 0) types.push(CPU), units.push(cpu);
  if (gpu > 0) types.push(GPU), units.push(gpu);
  return { name, types, units };
}

const names = (chosen: { name: string }[] | undefined): string[] | undefined => chosen?.map((c) => c.name);

describe('chooseVictims', () => {
  it('takes candidates in the order given until nothing lacks', () => {
    const order = [holder('a', 1), holder('b', 1), holder('c', 1)];
    expect(names(chooseVictims([GPU], [2], order))).toEqual(['a', 'b']);
  });

  it('drops in a reverse pass every victim a later one makes unneeded', () => {
    // a and b are taken first, then c covers the shortfall alone with a: b is not needed.
    const order = [holder('a', 1), holder('b', 1), holder('c', 2)];
    expect(names(chooseVictims([GPU], [3], order))).toEqual(['a', 'c']);
    // The last taken is checked first: c stays (without it 2 < 3), then b goes, then a stays.
    expect(names(chooseVictims([GPU], [2], [holder('a', 1), holder('c', 2)]))).toEqual(['c']);
  });

  it('is undefined when even every candidate would not make room', () => {
    expect(chooseVictims([GPU], [4], [holder('a', 1), holder('b', 2)])).toBeUndefined();
    expect(chooseVictims([GPU, CPU], [1, 1], [holder('a', 3)])).toBeUndefined();
    expect(chooseVictims([GPU], [1], [])).toBeUndefined();
  });

  it('covers each type that lacks, and skips candidates holding none of what still lacks', () => {
    const order = [holder('cpus', 0, 4), holder('g1', 1), holder('both', 1, 1), holder('g2', 1)];
    // Only gpu lacks: the cpu holder is never a victim.
    expect(names(chooseVictims([CPU, GPU], [0, 2], order))).toEqual(['g1', 'both']);
    // Both lack: the cpu holder is taken for cpu, then g1 and both for gpu; both covers cpu
    // too, so the reverse pass spares the cpu holder.
    expect(names(chooseVictims([CPU, GPU], [1, 2], order))).toEqual(['g1', 'both']);
    expect(names(chooseVictims([CPU, GPU], [2, 2], order))).toEqual(['cpus', 'g1', 'both']);
    // A candidate giving only what is already covered is left alone.
    expect(names(chooseVictims([CPU, GPU], [1, 1], [holder('c1', 0, 1), holder('c2', 0, 1), holder('g', 1)]))).toEqual(['c1', 'g']);
  });

  it('needs no victim when nothing lacks', () => {
    expect(chooseVictims([GPU], [0], [holder('a', 1)])).toEqual([]);
    expect(chooseVictims([GPU], [-2], [holder('a', 1)])).toEqual([]);
  });

  it('reads only the first candidates it needs (they may be many)', () => {
    let read = 0;
    function* many(): Generator<Holding & { name: string }> {
      for (let i = 0; ; i++) {
        read++;
        yield holder(`h${i}`, 1);
      }
    }
    expect(names(chooseVictims([GPU], [3], many()))).toEqual(['h0', 'h1', 'h2']);
    expect(read).toBe(3);
  });
});

describe('unitsOf', () => {
  it('gives what a holding has of each type, 0 for the others', () => {
    expect(unitsOf(holder('x', 2, 5), [GPU, CPU, 7])).toEqual([2, 5, 0]);
  });
});
