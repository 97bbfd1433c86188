// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The serving records of one run (Runs → context menu → Serving records…): per `mor serve`
// session and variant the requests, inputs, latency (median and 95th percentile from the
// histogram), accuracy on labelled requests and shadow agreement, and for each session with
// two labelled variants a significance test of their accuracy difference. Reads the log only.
#include "shell/servingstats.h"

#include "mor/serving_log.h"

#include <QDialog>
#include <QString>

#include <vector>

class QLabel;
class QTableWidget;

namespace shell {

class ServingDialog : public QDialog {
    Q_OBJECT
public:
    /// The table's columns.
    enum Column {
        Session, Variant, Run, Share, Requests, Inputs, Labelled, Accuracy, LatencyMedian,
        LatencyP95, LatencyMean, ShadowAgreement, ColumnCount
    };
    /// One comparison of two variants of a session.
    struct Comparison {
        QString session, variantA, variantB;
        int64_t correctA = 0, labelledA = 0, correctB = 0, labelledB = 0;
        serving::ProportionTest test;
    };

    ServingDialog(const QString& logPath, qint64 runId, QWidget* parent = nullptr);

    QTableWidget* table() const { return m_table; }
    QLabel* summaryLabel() const { return m_summary; }
    QLabel* testLabel() const { return m_tests; }
    const std::vector<mor::ServingRecord>& records() const { return m_records; }
    const std::vector<Comparison>& comparisons() const { return m_comparisons; }
    /// Re-reads the log.
    void reload();

private:
    void fillTable();
    void fillTests();

    QString m_logPath;
    qint64 m_runId;
    std::vector<mor::ServingRecord> m_records; ///< every variant of the sessions serving the run
    std::vector<Comparison> m_comparisons;
    QLabel* m_summary;
    QTableWidget* m_table;
    QLabel* m_tests;
};

} // namespace shell
