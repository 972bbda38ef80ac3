from __future__ import annotations

import pytest

import trustfabric
from trustfabric import TrustFabricError


def test_log_round_trip(client: trustfabric.Client) -> None:
    init = client.log.init(origin="example.com/py")
    assert init.vkey.startswith("example.com/py+")
    r = client.log.append(entries=["alpha", "beta", "gamma"])
    assert (r.index, r.count, r.checkpoint.size) == (0, 3, 3)
    assert client.log.get(index=1).text == "beta"
    proof = client.log.prove(index=2)
    ok = client.log.verify_proof(proof=proof.proof, entry="gamma", vkey=init.vkey)
    assert ok.ok is True and ok.index == 2 and ok.tree_size == 3
    old = client.log.checkpoint().note
    client.log.append(entries=["delta"])
    cons = client.log.consistency(from_=3)
    assert cons.to == 4
    v = client.log.verify_consistency(proof=cons.proof, old_checkpoint=old, vkey=init.vkey)
    assert (v.from_, v.to) == (3, 4)
    assert client.log.verify().entries_checked == 4


def test_results_are_plain_data(client: trustfabric.Client) -> None:
    client.log.init(origin="example.com/data")
    r = client.log.append(entries=["x"])
    d = r.to_dict()
    assert d["checkpoint"]["size"] == 1 and isinstance(d["leafHashes"], list)
    assert "<table>" in r._repr_html_()
    assert '"index": 0' in r.to_json()


def test_errors_carry_codes(client: trustfabric.Client) -> None:
    with pytest.raises(TrustFabricError) as e:
        client.log.get(index=0)
    assert e.value.code == "TF_LOG_NOT_INITIALIZED"
    assert e.value.remedy
    client.log.init(origin="example.com/err")
    with pytest.raises(TrustFabricError) as e2:
        client.log.prove(index=5)
    assert e2.value.code == "TF_LOG_INDEX_OUT_OF_RANGE"
    with pytest.raises(TrustFabricError) as e3:
        client.log.get(index=-1)
    assert e3.value.code == "TF_INPUT_INVALID"
    with pytest.raises(TrustFabricError) as e4:
        client.call("log.explode", {})
    assert e4.value.code == "TF_UNKNOWN_OPERATION"


def test_tampered_proof_is_rejected(client: trustfabric.Client) -> None:
    init = client.log.init(origin="example.com/tamper")
    client.log.append(entries=["one", "two"])
    proof = client.log.prove(index=0).proof
    with pytest.raises(TrustFabricError) as e:
        client.log.verify_proof(proof=proof, entry="uno", vkey=init.vkey)
    assert e.value.code == "TF_LOG_INCLUSION_MISMATCH"
    with pytest.raises(TrustFabricError) as e2:
        client.log.verify_proof(proof=proof[:30], entry="one", vkey=init.vkey)
    assert e2.value.code == "TF_LOG_PROOF_MALFORMED"
