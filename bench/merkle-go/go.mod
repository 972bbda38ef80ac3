module github.com/trustfabric/bench/merklego

go 1.24.0

require github.com/transparency-dev/merkle v0.0.2
