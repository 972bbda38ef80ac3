pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";

// Poseidon chain commitment (sdk-ts/src/zk/commit.ts chainCommit):
//   h = init; for each chunk of up to 15 values: h = Poseidon(h, chunk...); out = h.
// 15 values per call keeps Poseidon at its widest circomlib width (16 inputs), the cheapest per value.
template ChainCommit(n) {
    signal input in[n];
    signal input init;
    signal output out;

    var W = 15;
    var chunks = (n + W - 1) \ W;
    component h[chunks];
    for (var j = 0; j < chunks; j++) {
        var w = n - j * W;
        if (w > W) { w = W; }
        h[j] = Poseidon(w + 1);
        if (j == 0) {
            h[j].inputs[0] <== init;
        } else {
            h[j].inputs[0] <== h[j - 1].out;
        }
        for (var i = 0; i < w; i++) {
            h[j].inputs[i + 1] <== in[j * W + i];
        }
    }
    out <== h[chunks - 1].out;
}
