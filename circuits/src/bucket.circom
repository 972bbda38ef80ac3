pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/comparators.circom";
include "./commit.circom";

// One bucket of the overlap proof. Public outputs, in this order:
//   commitA     = ChainCommit(a, saltA)   (saltA is the per-bucket salt of tenant A)
//   commitB     = ChainCommit(b, saltB)
//   countCommit = Poseidon(count, r),  count = #{ i : a[i] is in b }
// A pads with 0 and B with 1 and real elements are >= 2, so padding never counts. With the
// elements of a distinct (commitSet de-duplicates), count = |a ∩ b|.
// Membership of a[i] in b costs s-1 multiplications: p = prod_j (a[i] - b[j]) is zero iff some
// b[j] equals a[i] (Fr has no zero divisors), then one IsZero. That is s*(s+1) constraints in
// all instead of 2*s*s for pairwise IsEqual.
template OverlapBucket(s) {
    signal input a[s];
    signal input b[s];
    signal input saltA;
    signal input saltB;
    signal input r;
    signal output commitA;
    signal output commitB;
    signal output countCommit;

    component ca = ChainCommit(s);
    component cb = ChainCommit(s);
    ca.init <== saltA;
    cb.init <== saltB;
    for (var i = 0; i < s; i++) {
        ca.in[i] <== a[i];
        cb.in[i] <== b[i];
    }
    commitA <== ca.out;
    commitB <== cb.out;

    signal prod[s][s];
    component found[s];
    var count = 0;
    for (var i = 0; i < s; i++) {
        prod[i][0] <== a[i] - b[0];
        for (var j = 1; j < s; j++) {
            prod[i][j] <== prod[i][j - 1] * (a[i] - b[j]);
        }
        found[i] = IsZero();
        found[i].in <== prod[i][s - 1];
        count += found[i].out;
    }

    component cc = Poseidon(2);
    cc.inputs[0] <== count;
    cc.inputs[1] <== r;
    countCommit <== cc.out;
}
