import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** The cores a process may run on, as taskset lists them ("0,1" or "0-3"). */
function affinity(pid: number): string {
  const output = execFileSync('taskset', ['-c', '-p', String(pid)], { encoding: 'utf8' });
  return output.slice(output.lastIndexOf(':') + 1).trim();
}

/** `root` and every process under it (a PostgreSQL server's postmaster and its backends), from /proc. */
function tree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name, in parentheses, may hold spaces: the parent's pid is the second field after it.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone since the directory was read.
    }
  }
  const found = [root];
  for (let i = 0; i < found.length; i++) for (const [pid, parent] of parents) if (parent === found[i]) found.push(pid);
  return found;
}

/** Moves every thread of each process in `trees` (and of its descendants) to `cores`; threads and children made later inherit it. */
function move(trees: number[], cores: string): void {
  for (const root of trees) {
    for (const pid of tree(root)) {
      try {
        execFileSync('taskset', ['-a', '-c', '-p', cores, String(pid)], { stdio: 'ignore' });
      } catch (error) {
        // A backend that ended meanwhile is no matter; the processes named are.
        if (pid === root) throw error;
      }
    }
  }
}

export type Separation = { ok: true; apart: (work: () => Promise<void>) => Promise<void>; description: string } | { ok: false; reason: string };

/**
 * Runs work with the database's processes on the last core and everything else named (the service
 * nodes, and this process, the load generator) on the others, then gives them all back the cores
 * they had. On a machine without taskset (util-linux), with one core, or where affinity cannot be
 * set, it says why it cannot.
 */
export function separation({ database, rest }: { database: number; rest: number[] }): Separation {
  let cores: string;
  try {
    cores = affinity(process.pid);
  } catch {
    return { ok: false, reason: 'no taskset (util-linux) on this machine' };
  }
  const available = cores.split(',').flatMap((part) => {
    const [from, to = from] = part.split('-').map(Number);
    return Array.from({ length: to! - from! + 1 }, (_, i) => from! + i);
  });
  if (available.length < 2) return { ok: false, reason: `only one core (${cores}) to run on` };
  try {
    // Where affinity cannot be set (a container's seccomp policy, say), find out before any run depends on it.
    execFileSync('taskset', ['-c', '-p', cores, String(process.pid)], { stdio: 'ignore' });
  } catch (error) {
    return { ok: false, reason: `taskset cannot set this process's cores (${(error as Error).message.split('\n')[0]})` };
  }
  const own = String(available.at(-1));
  const others = available.slice(0, -1).join(',');
  return {
    ok: true,
    description: `PostgreSQL on core ${own}, the nodes and the load generator on ${others.includes(',') ? 'cores' : 'core'} ${others}`,
    async apart(work) {
      const everyone = [database, ...rest, process.pid];
      try {
        // The database last: were its server a descendant of this process, it must still end up alone.
        move([...rest, process.pid], others);
        move([database], own);
        await work();
      } finally {
        move(everyone, cores);
      }
    },
  };
}
