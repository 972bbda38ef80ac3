/** The WitnessLog seam backed by the data directory's transparency log. */
import { FsLog } from "../ledger/fslog.js";
import { TileReader } from "../ledger/tilestore.js";
import { homeLogDir, openLogWriter } from "../ledger/writer.js";
import type { WitnessLog } from "./runner.js";

export function homeWitnessLog(home: string): WitnessLog {
  const writer = () => openLogWriter(home);
  const size = () => FsLog.open(homeLogDir(home)).checkpoint().size;
  return {
    size,
    append: async (entries) => (await writer().append(entries)).index,
    find: (entry, from) => {
      const n = size();
      if (from >= n) return null;
      const reader = new TileReader(homeLogDir(home), n);
      for (let i = from; i < n; i++) {
        const e = reader.entry(i);
        if (e.length === entry.length && Buffer.compare(Buffer.from(e), Buffer.from(entry)) === 0) return i;
      }
      return null;
    },
  };
}
