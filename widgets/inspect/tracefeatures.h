#pragma once
// Issue 23 in the inspect views: what a run's config says about nested-width experts (Mixture of
// Nested Experts) and MoMa expert groups (router.groups), and the texts and counts the stepper
// and the routing view draw from the traces. A trace read from a log written before these fields
// were stored has width 0 / group -1 although the run uses the feature: that is shown as "not
// recorded", never as a value.
#include <mor/trace.h>

#include <QCoreApplication>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <vector>

namespace mor {
class LogReader;
}

namespace inspect {

/// One MoMa group of router.groups.
struct ExpertGroupInfo {
    std::vector<int64_t> domains; ///< data domains routed to this group
    std::vector<int> experts;     ///< its experts
    QString strategy;             ///< routing inside the group
};

/// The issue-23 features a run's config turns on (nothing set for an ordinary run).
struct RunFeatures {
    /// Per expert: its width when experts[j].kind is "nested", else 0. Empty when the run has no
    /// nested expert.
    std::vector<int> nestedWidths;
    std::vector<ExpertGroupInfo> groups; ///< router.groups (empty: plain routing)
    QStringList domainNames;             ///< data.domains of a "mixed" data set (may be empty)
    /// model.recursion.depth_every: a Mixture-of-Depths model has a router at every
    /// depthEvery-th block (1: at every block); the others process every token.
    int depthEvery = 1;

    bool nested() const { return !nestedWidths.empty(); }
    bool grouped() const { return !groups.empty(); }
    /// Width of a nested expert (0: not nested or unknown).
    int nestedWidth(int expert) const;
    /// Group owning `expert` (-1: none).
    int groupOfExpert(int expert) const;
    /// "G1 · modular (E2, E3)" — the group's name for axes and texts.
    QString groupLabel(int group) const;
};

RunFeatures parseRunFeatures(const QByteArray& configJson);
RunFeatures readRunFeatures(const mor::LogReader* reader, int64_t runId);

/// Counts of traced inputs per (group, expert): counts[g * experts + e] = inputs of group g whose
/// mask selected expert e. Traces without a recorded group (-1) or with a group out of range are
/// counted in notRecorded and nowhere else.
struct GroupExpertCounts {
    int groups = 0;
    int experts = 0;
    std::vector<int> counts;         ///< row-major [groups x experts]
    std::vector<int> inputsPerGroup; ///< traced inputs per group
    int notRecorded = 0;
    int at(int group, int expert) const;
};
GroupExpertCounts countGroupExperts(const std::vector<mor::SampleTrace>& traces, int groups,
                                    int experts);

class TraceFeatures {
    Q_DECLARE_TR_FUNCTIONS(TraceFeatures)
public:
    /// "width 24 units" for a nested expert, "width not recorded" when the run's expert is nested
    /// but the trace carries no width, empty for a reflection expert.
    static QString widthText(const mor::ExpertTrace& expert, const RunFeatures& features);
    /// Lines (rich text, each starting with "<br>") for the stepper's input summary: the widths
    /// this input used and how the traced inputs of its step spread over the widths; its group.
    /// Empty for an ordinary run.
    static QString inputSummaryHtml(const mor::SampleTrace& trace,
                                    const std::vector<mor::SampleTrace>& stepTraces,
                                    const RunFeatures& features);
    /// The input's group as text ("G1 · modular (E2, E3)", "not recorded"); empty when the run
    /// has no groups.
    static QString groupText(const mor::SampleTrace& trace, const RunFeatures& features);
};

} // namespace inspect
