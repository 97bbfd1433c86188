// Carrier of the GUI tests' precompiled <QtWidgets> header (see tests/CMakeLists.txt).
