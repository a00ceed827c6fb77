import os from "node:os";

/** The machine a benchmark ran on, for the results. */
export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    date: new Date().toISOString().slice(0, 10),
  };
}

/** One line describing the machine. */
export function machineLine(info = machine()) {
  return `${info.cpu}, ${info.cores} cores, ${info.memoryGiB} GiB, ${info.platform}, Node ${info.node}, ${info.date}`;
}
