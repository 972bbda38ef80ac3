pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/bitify.circom";

// Aggregates S bucket count commitments. Public inputs, in this order:
//   countCommits[S]  Poseidon(count_b, r_b) from the bucket proofs (unused slots: Poseidon(0, 0))
//   op               0: sum <= k    1: sum == k
//   k                the bound or the exact overlap, < 2^BITS
// Private: count_b, r_b. Proves sum_b count_b satisfies op against k, revealing no count_b.
template OverlapAggregate(S, BITS) {
    signal input countCommits[S];
    signal input op;
    signal input k;
    signal input counts[S];
    signal input rs[S];

    component h[S];
    var sum = 0;
    for (var i = 0; i < S; i++) {
        h[i] = Poseidon(2);
        h[i].inputs[0] <== counts[i];
        h[i].inputs[1] <== rs[i];
        h[i].out === countCommits[i];
        sum += counts[i];
    }

    op * (op - 1) === 0;
    component kbits = Num2Bits(BITS);
    kbits.in <== k;

    component le = LessEqThan(BITS);
    le.in[0] <== sum;
    le.in[1] <== k;
    component eq = IsEqual();
    eq.in[0] <== sum;
    eq.in[1] <== k;
    // holds = op ? eq : le, and it must be 1.
    signal pick <== op * (eq.out - le.out);
    pick + le.out === 1;
}
