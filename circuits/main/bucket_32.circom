pragma circom 2.1.0;

include "../src/bucket.circom";

component main = OverlapBucket(32);
