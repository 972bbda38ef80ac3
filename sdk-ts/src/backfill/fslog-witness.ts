/** The WitnessLog seam backed by the data directory's transparency log. */
import { FsLog } from "../ledger/fslog.js";
import { TileReader } from "../ledger/tilestore.js";
import { homeLogDir, openLogWriter } from "../ledger/writer.js";
import type { WitnessLog } from "./runner.js";

export function homeWitnessLog(home: string): WitnessLog {
  const writer = () => openLogWriter(home);
  return {
    size: () => FsLog.open(homeLogDir(home)).checkpoint().size,
    append: async (entries) => (await writer().append(entries)).index,
    find: (entry, from) => {
      const size = FsLog.open(homeLogDir(home)).checkpoint().size;
      if (from >= size) return null;
      const reader = new TileReader(homeLogDir(home), size);
      for (let i = from; i < size; i++) {
        const e = reader.entry(i);
        if (e.length === entry.length && Buffer.compare(Buffer.from(e), Buffer.from(entry)) === 0) return i;
      }
      return null;
    },
  };
}
