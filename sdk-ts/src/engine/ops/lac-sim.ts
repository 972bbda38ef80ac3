/** Operations lac.simulate (replay a policy change over history) and lac.redteam (labelled attacks). */
import { z } from "zod";
import { TfError } from "../../core/errors.js";
import { type CompiledPolicy, compilePolicy, type SourceInput } from "../../lac/index.js";
import { loadRedTeamCorpus, RedTeamCase, RedTeamReport, runRedTeam } from "../../lac/redteam.js";
import { SimulationReport, simulateText } from "../../lac/simulate.js";
import { simulateFile } from "../../lac/simulate-parallel.js";
import { simulationHtml } from "../../lac/simulate-report.js";
import { defineOperation } from "../operation.js";
import { decode, Encoding } from "./lac-inputs.js";

export const lacSimulateOp = defineOperation({
  name: "lac.simulate",
  summary:
    "Replay historical queries under two versions of a LAC policy: newly blocked, newly allowed, changed obligations, grouped by rule, team and dataset.",
  idempotent: true,
  pathInputs: ["historyFile"],
  input: z.object({
    from: z.string().describe("the current policy (YAML)"),
    to: z.string().describe("the proposed policy (YAML)"),
    schema: z.string().describe("the schema both versions check against (YAML)"),
    encoding: Encoding,
    fromFile: z.string().optional().describe("name shown in diagnostics (default: from)"),
    toFile: z.string().optional().describe("name shown in diagnostics (default: to)"),
    schemaFile: z.string().optional().describe("name shown in diagnostics (default: schema)"),
    history: z
      .string()
      .optional()
      .describe("the history as JSONL text: {id?, time?, team?, dataset?, request} per line"),
    historyFile: z.string().optional().describe("a local JSONL history file, streamed (not over the server)"),
    examplesPerGroup: z
      .number()
      .int()
      .min(0)
      .max(100)
      .default(5)
      .describe("example query ids kept per group"),
    compare: z
      .enum(["effective", "policy"])
      .default("effective")
      .describe("effective: the enforced decision (audit mode allows); policy: what the policy decided"),
    html: z
      .boolean()
      .default(false)
      .describe("also return the report as one self-contained HTML page (notebooks display it)"),
    threads: z
      .number()
      .int()
      .min(1)
      .max(64)
      .optional()
      .describe(
        "threads reading historyFile (default: one per core, at most 4, for files of 16 MiB or more); the report does not depend on it",
      ),
  }),
  output: SimulationReport.extend({
    html: z.string().optional().describe("the self-contained HTML report, when requested"),
  }),
  handler: async (input, ctx) => {
    if ((input.history === undefined) === (input.historyFile === undefined))
      throw new TfError("TF_USAGE", "Pass the history either as text (history) or as a file (historyFile)");
    const schema = decode(input.schema, input.encoding, "schema");
    const from = compilePolicy(decode(input.from, input.encoding, "from"), schema, {
      policyFile: input.fromFile ?? "from",
      schemaFile: input.schemaFile,
    });
    const to = compilePolicy(decode(input.to, input.encoding, "to"), schema, {
      policyFile: input.toFile ?? "to",
      schemaFile: input.schemaFile,
    });
    const options = {
      examplesPerGroup: input.examplesPerGroup,
      compare: input.compare,
      onProgress: (done: number, total: number) =>
        ctx.onProgress?.({ operation: "lac.simulate", done, total }),
    };
    const report =
      input.historyFile !== undefined
        ? await simulateFile(from, to, input.historyFile, { ...options, threads: input.threads })
        : await simulateText(from, to, input.history!, options);
    return input.html ? { ...report, html: simulationHtml(report) } : report;
  },
});

export const lacRedteamOp = defineOperation({
  name: "lac.redteam",
  summary:
    "Run a red-team corpus of labelled requests against the policies it targets: false negatives and false positives per category, with a gate.",
  idempotent: true,
  pathInputs: ["corpusDir"],
  input: z.object({
    corpusDir: z
      .string()
      .optional()
      .describe("a local corpus directory holding corpus.yaml (not over the server)"),
    cases: z.array(RedTeamCase).optional().describe("the cases themselves (instead of corpusDir)"),
    schema: z.string().optional().describe("the schema (YAML); required with cases, overrides the corpus's"),
    policies: z
      .record(z.string(), z.string())
      .default({})
      .describe("policy name → policy YAML; overrides (or, with cases, supplies) the policies cases target"),
    encoding: Encoding,
    maxFn: z.number().int().min(0).optional().describe("gate: most false negatives allowed"),
    maxFpRate: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe("gate: highest false-positive rate allowed (0..1)"),
    categories: z.array(z.string()).optional().describe("only run these categories"),
  }),
  output: RedTeamReport,
  handler: (input) => {
    if ((input.cases === undefined) === (input.corpusDir === undefined))
      throw new TfError(
        "TF_USAGE",
        "Pass either a corpus directory (corpusDir) or the cases themselves (cases)",
      );
    const corpus = input.corpusDir !== undefined ? loadRedTeamCorpus(input.corpusDir) : undefined;
    const schemaText: SourceInput | undefined =
      input.schema !== undefined ? decode(input.schema, input.encoding, "schema") : corpus?.schema;
    if (schemaText === undefined) throw new TfError("TF_USAGE", "Pass the schema the policies check against");
    const schemaFile = input.schema !== undefined ? "schema" : corpus?.schemaFile;
    const sources = new Map<string, { text: SourceInput; file: string }>();
    for (const [name, p] of Object.entries(corpus?.policies ?? {})) sources.set(name, p);
    for (const [name, text] of Object.entries(input.policies))
      sources.set(name, { text: decode(text, input.encoding, `policy ${name}`), file: name });
    const cases = corpus?.cases ?? input.cases!;
    const needed = new Set(cases.map((c) => c.policy));
    const compiled = new Map<string, CompiledPolicy>();
    for (const [name, p] of sources)
      if (needed.has(name))
        compiled.set(name, compilePolicy(p.text, schemaText, { policyFile: p.file, schemaFile }));
    return runRedTeam(cases, compiled, {
      maxFn: input.maxFn,
      maxFpRate: input.maxFpRate,
      categories: input.categories,
    });
  },
});
