// Carrier of the TORCH tests' precompiled torch header (see tests/CMakeLists.txt).
