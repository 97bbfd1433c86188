#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// The public API's one convention for expected failures (no such run, wrong family, missing
// checkpoint, bad input): a value, or a message that tells the user what to fix. Exceptions
// stay for bugs and torch errors and are turned into messages at the API boundary.
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace mor {

/// The failure side of a Result: `return mor::Error{"run 3 is not in x.morlog"};`.
struct Error {
    std::string message;
};

/// A T, or an error message. Implicitly built from a T (success) or an Error (failure).
template <typename T>
class Result {
public:
    Result(T value) : m_value(std::move(value)) {}
    Result(Error error) : m_error(std::move(error.message)) {
        if (m_error.empty()) {
            m_error = "unknown error";
        }
    }

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    /// Why it failed; empty when ok().
    const std::string& error() const { return m_error; }

    /// The value; asking a failed result for it is a bug (std::logic_error with the message).
    const T& value() const& {
        check();
        return *m_value;
    }
    T& value() & {
        check();
        return *m_value;
    }
    T&& value() && {
        check();
        return std::move(*m_value);
    }
    const T& operator*() const& { return value(); }
    T& operator*() & { return value(); }
    const T* operator->() const { return &value(); }
    T* operator->() { return &value(); }

    /// f(value()) when ok (f returns a Result), else this error in f's result type:
    /// `Run::open(log, id).andThen([&](const Run& run) { return run.evaluate(); })`.
    template <typename F>
    auto andThen(F&& f) const -> decltype(f(std::declval<const T&>())) {
        if (!ok()) {
            return Error{m_error};
        }
        return f(*m_value);
    }

private:
    void check() const {
        if (!m_value) {
            throw std::logic_error("value() of a failed mor::Result: " + m_error);
        }
    }

    std::optional<T> m_value;
    std::string m_error;
};

} // namespace mor
