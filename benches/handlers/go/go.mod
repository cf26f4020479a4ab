module azfn.bench/orders

go 1.19
