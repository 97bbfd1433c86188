#pragma once
// SPDX-License-Identifier: GPL-3.0-or-later
// Hand-made reflection traces and their field-by-field comparison, for the log tests that
// write traces and read them back.
#include "mor/trace.h"

#include <QtTest>

#include <cstdint>

namespace logtest {

using mor::ExpertTrace;
using mor::SampleTrace;
using mor::StepTrace;

/// A trace with every field set (values depend on the sample id), two experts of 3 steps.
inline SampleTrace handMadeTrace(int64_t sampleId) {
    SampleTrace t;
    t.sampleId = sampleId;
    t.label = 2;
    t.domain = 1;
    t.routerProbs = {0.5f, 0.1f, 0.4f};
    t.mask = {1, 0, 1};
    t.gates = {0.55555556f, 0.f, 0.44444445f};
    t.fusedProbs = {0.2f, 0.3f, 0.5f};
    t.finalPred = 2;
    t.correct = true;
    t.conflictScore = 0.123456789f;
    t.conflictScoreAfter = sampleId % 2 ? 0.0456f : -1.f; // v3: re-reflection score
    t.conflict = true;
    t.resolution = "re-reflect";
    t.winner = 2;
    t.margin = 0.2f;
    t.expertSteps = 6;
    t.flops = 12345.678;
    t.group = int(sampleId % 3); // v5: router.groups
    for (int expert : {0, 2}) {
        ExpertTrace e;
        e.expert = expert;
        e.routerProb = t.routerProbs[size_t(expert)];
        e.gate = t.gates[size_t(expert)];
        e.haltStep = 2 + expert / 2;
        e.confidence = 0.7f + expert * 0.01f;
        e.fusionWeight = expert ? 0.6f : 0.4f;
        e.pred = expert;
        e.extraSteps = expert ? 1 : 0;
        e.uncertainty = sampleId % 2 ? 0.25f + 0.125f * float(expert) : -1.f; // v3
        e.width = 16 << expert; // v5: nested experts' widths (16, 64)
        for (int it = 1; it <= 3; ++it) {
            StepTrace s;
            s.iteration = it;
            s.probs = {0.1f * it, 0.3f, 1.f - 0.1f * it - 0.3f};
            s.critique = 0.25f * it + expert;
            s.haltProb = 1.f / (it + 2);
            s.pred = it % 3;
            s.correct = s.pred == t.label;
            e.steps.push_back(s);
        }
        t.experts.push_back(e);
    }
    return t;
}

/// Field by field (QCOMPARE: returns from this function at the first difference).
inline void compareTraces(const SampleTrace& a, const SampleTrace& b) {
    QCOMPARE(a.sampleId, b.sampleId);
    QCOMPARE(a.label, b.label);
    QCOMPARE(a.domain, b.domain);
    QCOMPARE(a.routerProbs, b.routerProbs);
    QCOMPARE(a.mask, b.mask);
    QCOMPARE(a.gates, b.gates);
    QCOMPARE(a.fusedProbs, b.fusedProbs);
    QCOMPARE(a.finalPred, b.finalPred);
    QCOMPARE(a.correct, b.correct);
    QCOMPARE(a.conflictScore, b.conflictScore);
    QCOMPARE(a.conflictScoreAfter, b.conflictScoreAfter);
    QCOMPARE(a.conflict, b.conflict);
    QCOMPARE(a.resolution, b.resolution);
    QCOMPARE(a.winner, b.winner);
    QCOMPARE(a.margin, b.margin);
    QCOMPARE(a.expertSteps, b.expertSteps);
    QCOMPARE(a.flops, b.flops);
    QCOMPARE(a.group, b.group);
    QCOMPARE(a.experts.size(), b.experts.size());
    for (size_t i = 0; i < a.experts.size(); ++i) {
        const ExpertTrace& x = a.experts[i];
        const ExpertTrace& y = b.experts[i];
        QCOMPARE(x.expert, y.expert);
        QCOMPARE(x.routerProb, y.routerProb);
        QCOMPARE(x.gate, y.gate);
        QCOMPARE(x.haltStep, y.haltStep);
        QCOMPARE(x.confidence, y.confidence);
        QCOMPARE(x.fusionWeight, y.fusionWeight);
        QCOMPARE(x.pred, y.pred);
        QCOMPARE(x.extraSteps, y.extraSteps);
        QCOMPARE(x.uncertainty, y.uncertainty);
        QCOMPARE(x.width, y.width);
        QCOMPARE(x.steps.size(), y.steps.size());
        for (size_t s = 0; s < x.steps.size(); ++s) {
            QCOMPARE(x.steps[s].iteration, y.steps[s].iteration);
            QCOMPARE(x.steps[s].probs, y.steps[s].probs);
            QCOMPARE(x.steps[s].critique, y.steps[s].critique);
            QCOMPARE(x.steps[s].haltProb, y.steps[s].haltProb);
            QCOMPARE(x.steps[s].pred, y.steps[s].pred);
            QCOMPARE(x.steps[s].correct, y.steps[s].correct);
        }
    }
}

} // namespace logtest
