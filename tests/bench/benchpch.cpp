// Carrier of the benchmarks' precompiled torch header (see CMakeLists.txt).
