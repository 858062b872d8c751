import fs from 'node:fs';
import { metrics } from '@opentelemetry/api';

/**
 * Space used and free on the file systems of the given paths: neither host-metrics nor the
 * runtime instrumentation reports disks, and a full disk stops the relay's queue and the broker.
 */
export function startFilesystemMetrics(paths: string[]): void {
  const meter = metrics.getMeter('meshtrail');
  meter
    .createObservableGauge('system.filesystem.usage', {
      unit: 'By',
      description: 'File system space used and free, for the file systems the service writes to',
    })
    .addCallback((result) => {
      for (const mountpoint of paths) {
        const stats = statfs(mountpoint);
        if (!stats) continue;
        result.observe(stats.used, { 'system.filesystem.mountpoint': mountpoint, 'system.filesystem.state': 'used' });
        result.observe(stats.free, { 'system.filesystem.mountpoint': mountpoint, 'system.filesystem.state': 'free' });
      }
    });
  meter
    .createObservableGauge('system.filesystem.utilization', { unit: '1', description: 'Share of the file system used' })
    .addCallback((result) => {
      for (const mountpoint of paths) {
        const stats = statfs(mountpoint);
        if (stats && stats.used + stats.free > 0)
          result.observe(stats.used / (stats.used + stats.free), { 'system.filesystem.mountpoint': mountpoint });
      }
    });
}

function statfs(path: string): { used: number; free: number } | undefined {
  try {
    const stats = fs.statfsSync(path);
    const free = stats.bavail * stats.bsize;
    const used = (stats.blocks - stats.bfree) * stats.bsize;
    return { used, free };
  } catch {
    return undefined; // a path that vanished is not worth failing a collection for
  }
}
