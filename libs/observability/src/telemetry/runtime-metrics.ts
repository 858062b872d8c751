import fs from 'node:fs';
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';
import v8 from 'node:v8';
import { metrics } from '@opentelemetry/api';
import { HostMetrics } from '@opentelemetry/host-metrics';

/** How long one event-loop window is: the delay gauges report the last completed window. */
const WINDOW_MS = 15_000;
const NS_PER_S = 1e9;

interface LoopWindow {
  p50: number;
  p99: number;
  max: number;
  mean: number;
  utilization: number;
}

/**
 * Host and process metrics for every service: CPU, memory and network of the host and the process
 * (OpenTelemetry host-metrics, semantic-convention names), event-loop delay and utilisation, V8 heap,
 * and disk usage of the given paths' file systems. Attributes are bounded enumerations only.
 */
export function startRuntimeMetrics(diskPaths: string[] = ['/']): () => void {
  new HostMetrics({ meterProvider: metrics.getMeterProvider(), name: 'meshtrail-host' }).start();
  const meter = metrics.getMeter('meshtrail');

  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let lastElu: EventLoopUtilization = performance.eventLoopUtilization();
  let window: LoopWindow | undefined;
  const roll = () => {
    const elu = performance.eventLoopUtilization(lastElu);
    lastElu = performance.eventLoopUtilization();
    window = {
      p50: histogram.percentile(50) / NS_PER_S,
      p99: histogram.percentile(99) / NS_PER_S,
      max: histogram.max / NS_PER_S,
      mean: Number.isFinite(histogram.mean) ? histogram.mean / NS_PER_S : 0,
      utilization: elu.utilization,
    };
    histogram.reset();
  };
  const timer = setInterval(roll, WINDOW_MS);
  timer.unref();
  // a first, short window so the gauges have values soon after start
  setTimeout(roll, 1000).unref();

  const delay = (name: keyof LoopWindow, description: string) =>
    meter.createObservableGauge(`nodejs.eventloop.delay.${name}`, { unit: 's', description }).addCallback((result) => {
      if (window) result.observe(window[name]);
    });
  delay('p50', 'Median event-loop delay over the last window');
  delay('p99', '99th percentile event-loop delay over the last window');
  delay('max', 'Largest event-loop delay over the last window');
  delay('mean', 'Mean event-loop delay over the last window');
  meter
    .createObservableGauge('nodejs.eventloop.utilization', {
      unit: '1',
      description: 'Share of the last window the event loop was busy',
    })
    .addCallback((result) => {
      if (window) result.observe(window.utilization);
    });

  meter
    .createObservableGauge('v8js.memory.heap.used', { unit: 'By', description: 'V8 heap in use' })
    .addCallback((result) => result.observe(v8.getHeapStatistics().used_heap_size));
  meter
    .createObservableGauge('v8js.memory.heap.limit', { unit: 'By', description: 'V8 heap size limit' })
    .addCallback((result) => result.observe(v8.getHeapStatistics().heap_size_limit));

  meter
    .createObservableGauge('system.filesystem.usage', {
      unit: 'By',
      description: 'File system space used and free, for the file systems the service writes to',
    })
    .addCallback((result) => {
      for (const mountpoint of diskPaths) {
        const stats = statfs(mountpoint);
        if (!stats) continue;
        result.observe(stats.used, { 'system.filesystem.mountpoint': mountpoint, 'system.filesystem.state': 'used' });
        result.observe(stats.free, { 'system.filesystem.mountpoint': mountpoint, 'system.filesystem.state': 'free' });
      }
    });
  meter
    .createObservableGauge('system.filesystem.utilization', { unit: '1', description: 'Share of the file system used' })
    .addCallback((result) => {
      for (const mountpoint of diskPaths) {
        const stats = statfs(mountpoint);
        if (stats && stats.used + stats.free > 0)
          result.observe(stats.used / (stats.used + stats.free), { 'system.filesystem.mountpoint': mountpoint });
      }
    });

  return () => {
    clearInterval(timer);
    histogram.disable();
  };
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
