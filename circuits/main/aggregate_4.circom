pragma circom 2.1.0;

include "../src/aggregate.circom";

component main {public [countCommits, op, k]} = OverlapAggregate(4, 32);
