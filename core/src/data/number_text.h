#pragma once
// Locale-independent number reading and writing: a Qt application sets the C locale from
// the environment, and strtod would then expect "3,14" under a German locale.
#include <string>
#include <string_view>

namespace mor::detail {

/// Parses a whole cell (surrounding blanks allowed, a leading '+' allowed) as a finite number.
bool parseNumber(std::string_view text, double& value);

/// Removes leading and trailing spaces, tabs and carriage returns.
std::string_view trimmed(std::string_view text);

/// A compact form for previews and class names: 3, 0.12, -1.3, 1.2e+07.
std::string shortNumber(double value, int significant = 3);

} // namespace mor::detail
