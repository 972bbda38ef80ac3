"""The three pillars and backfill from Python: the same operations as the CLI and TypeScript."""
from __future__ import annotations

import base64
import json
import shutil
import tempfile
from pathlib import Path

import pytest

import trustfabric
from trustfabric import TrustFabricError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def _b64(path: Path) -> str:
    return base64.b64encode(path.read_bytes()).decode()


def test_pcq_replay_and_witness_from_files(client: trustfabric.Client) -> None:
    init = client.log.init(origin="example.com/py-pcq")
    fixture = EXAMPLES / "pcq" / "fixtures" / "karate-club"
    files = {p.name: _b64(p) for p in fixture.iterdir() if p.is_file()}
    r = client.pcq.replay(entry="fixture.json", files=files, witness=True, html=True)
    assert r.report.outcome == "match"
    assert r.receipt is not None and r.receipt.log.index == 0
    # The report displays itself in a notebook: the self-contained page, sandboxed.
    page = r._repr_html_()
    assert page.startswith("<iframe sandbox=") and "karate" in r.html.lower()
    v = client.pcq.verify_receipt(receipt=json.dumps(r.receipt.to_dict()), log_key=init.vkey)
    assert v.verdict == "PASSED"
    # A changed claim is a mismatch report, not an error.
    expected = json.loads((fixture / "expected.json").read_text())
    first = expected["results"][0]["value"]
    if first["kind"] == "node-values":
        node = sorted(first["values"])[0]
        first["values"][node] = first["values"][node] + 1
    files["expected.json"] = base64.b64encode(json.dumps(expected).encode()).decode()
    bad = client.pcq.replay(entry="fixture.json", files=files)
    assert bad.report.outcome == "mismatch"
    with pytest.raises(TrustFabricError) as e:
        client.pcq.replay(entry="fixture.json", files={"fixture.json": _b64(fixture / "fixture.json")})
    assert e.value.code in {"TF_PCQ_FILE_MISSING", "TF_FILE_NOT_FOUND"}


def test_lac_lint_eval_and_simulate(client: trustfabric.Client) -> None:
    policy = (EXAMPLES / "lac" / "analytics-export.yaml").read_text()
    schema = (EXAMPLES / "lac" / "schema.yaml").read_text()
    lint = client.lac.lint(policy=policy, schema=schema)
    assert isinstance(lint.to_dict(), dict)
    request = json.loads((EXAMPLES / "lac" / "requests" / "export-outside-residency.json").read_text())
    d = client.lac.eval(policy=policy, schema=schema, request=request)
    assert d.decision == "deny" and d.reasons[0].key == "residency"
    history = "\n".join((EXAMPLES / "lac" / "history" / "queries.jsonl").read_text().splitlines()[:300])
    sim = client.lac.simulate(
        from_=policy,
        to=(EXAMPLES / "lac" / "analytics-export.v2.yaml").read_text(),
        schema=schema,
        history=history,
        html=True,
    )
    assert sim.totals.queries > 0
    assert "<iframe" in sim._repr_html_()
    with pytest.raises(TrustFabricError) as e:
        client.lac.eval(policy=policy.replace("subject.role", "subject.rolle", 1), schema=schema, request=request)
    assert e.value.code == "TF_LAC_POLICY_INVALID"


def test_lac_simulate_a_file_on_threads() -> None:
    """A local history file is read by the driver's worker threads; the report does not change."""
    lac = EXAMPLES / "lac"
    args = dict(
        from_=(lac / "analytics-export.yaml").read_text(),
        to=(lac / "analytics-export.v2.yaml").read_text(),
        schema=(lac / "schema.yaml").read_text(),
        history_file=str(lac / "history" / "queries.jsonl"),
    )
    with trustfabric.Client() as c:
        one = c.lac.simulate(**args, threads=1).to_dict()
        three = c.lac.simulate(**args, threads=3).to_dict()
        with pytest.raises(TrustFabricError) as e:
            c.lac.simulate(**args, threads=0)
        assert e.value.code == "TF_INPUT_INVALID"
    for r in (one, three):
        r["durationMs"] = r["queriesPerSecond"] = 0
    assert three == one and one["totals"]["invalid"] == 4


def test_zk_verify_golden_proofs(client: trustfabric.Client) -> None:
    golden = json.loads((ROOT / "sdk-ts" / "test" / "zk" / "golden" / "overlap-4x32-le0.json").read_text())
    proof = golden["proof"] if "proof" in golden else golden
    r = client.zk.verify(proof=json.dumps(proof))
    assert r.to_dict()
    tampered = json.loads(json.dumps(proof))
    tampered["statement"] = {"op": "le", "k": 7} if tampered["statement"].get("op") == "eq" else {"op": "eq", "c": 3}
    with pytest.raises(TrustFabricError) as e:
        client.zk.verify(proof=json.dumps(tampered))
    assert e.value.code.startswith("TF_ZK_")


def test_backfill_locally_and_refused_over_the_server(server: dict) -> None:
    home = tempfile.mkdtemp(prefix="tf-py-bf-")
    source = Path(tempfile.mkdtemp(prefix="tf-py-legacy-")) / "karate"
    source.mkdir()
    fixture = EXAMPLES / "pcq" / "fixtures" / "karate-club"
    shutil.copy(fixture / "edges.csv", source / "edges.csv")
    doc = json.loads((fixture / "fixture.json").read_text())
    expected = json.loads((fixture / "expected.json").read_text())
    metrics = [{**r["spec"], "value": r["value"]} for r in expected["results"]][:2]
    (source / "result.json").write_text(
        json.dumps({"dataset": "edges.csv", "directed": doc["directed"], "weighted": doc["weighted"], "metrics": metrics})
    )
    with trustfabric.Client(home) as local:
        local.log.init(origin="example.com/py-backfill")
        report = local.backfill.run(source=str(source.parent))
        assert (report.eligible, report.backfilled, report.failed) == (1, 1, 0)
        assert (source / "manifest.json").exists() and (source / "receipt.json").exists()
        again = local.backfill.run(source=str(source.parent))
        assert again.newly_backfilled == 0
    with trustfabric.Client(server=server["url"], api_key=server["new_key"]()) as remote:
        with pytest.raises(TrustFabricError) as e:
            remote.backfill.run(source=str(source.parent))
        assert e.value.code == "TF_FORBIDDEN"

