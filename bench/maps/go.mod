module goinspect/bench/maps

go 1.19
