#pragma once
// A per-thread on/off switch set for a scope. The evaluation detail (eval_detail.h) and the
// fast answer-only paths of issue 20 (fused_reflect.h, answer_only.h) are each such a switch:
// the flag is a thread_local bool behind `Flag()`, and ScopedThreadFlag<Flag> sets it while
// alive and restores the previous value when destroyed.

namespace mor::model {

template <bool& (*Flag)()>
class ScopedThreadFlag {
public:
    explicit ScopedThreadFlag(bool value) : m_previous(Flag())
    {
        Flag() = value;
    }
    ~ScopedThreadFlag()
    {
        Flag() = m_previous;
    }
    ScopedThreadFlag(const ScopedThreadFlag&) = delete;
    ScopedThreadFlag& operator=(const ScopedThreadFlag&) = delete;

private:
    bool m_previous;
};

} // namespace mor::model
