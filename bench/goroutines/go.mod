module goinspect/bench/goroutines

go 1.19
