#include "inspect/counterfactualcontrols.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

namespace inspect {

CounterfactualControls::CounterfactualControls(QWidget* parent)
    : QWidget(parent), m_haltAt(new QSpinBox(this)), m_extra(new QSpinBox(this)),
      m_noFeedback(new QCheckBox(tr("No critique feedback"), this)),
      m_ownGates(new QCheckBox(tr("Own gates"), this)), m_grid(new QGridLayout),
      m_run(new QPushButton(tr("Run what-if"), this)), m_reset(new QPushButton(tr("Reset"), this)) {
    setObjectName("counterfactualControls");
    m_haltAt->setObjectName("cfHaltAt");
    m_haltAt->setSpecialValueText(tr("off"));
    m_haltAt->setPrefix(tr("t = "));
    m_haltAt->setToolTip(tr("Every selected expert stops at this step and answers with its draft "
                            "and critique of that step (its halting policy is not asked)"));
    m_extra->setObjectName("cfExtraSteps");
    m_extra->setRange(0, 16);
    m_extra->setToolTip(tr("Every selected expert runs to its maximum depth and then this many "
                           "steps more"));
    m_noFeedback->setObjectName("cfNoFeedback");
    m_noFeedback->setToolTip(tr("The cell reads a zero critique at every step instead of its own "
                                "last one"));
    m_ownGates->setObjectName("cfOwnGates");
    m_ownGates->setToolTip(tr("Forced routing: use the gates set here instead of the router's "
                              "p for the chosen experts"));
    m_run->setObjectName("cfRun");
    m_run->setDefault(true);
    m_reset->setObjectName("cfReset");

    auto* steps = new QFormLayout;
    steps->addRow(tr("Halt every expert at"), m_haltAt);
    steps->addRow(tr("Extra steps"), m_extra);
    steps->addRow(QString(), m_noFeedback);
    auto* experts = new QGroupBox(tr("Experts"), this);
    auto* expertsLayout = new QVBoxLayout(experts);
    m_grid->addWidget(new QLabel(tr("Veto"), experts), 0, 1);
    m_grid->addWidget(new QLabel(tr("Force route"), experts), 0, 2);
    m_grid->addWidget(m_ownGates, 0, 3);
    expertsLayout->addLayout(m_grid);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_reset);
    buttons->addWidget(m_run);

    auto* top = new QHBoxLayout;
    top->addLayout(steps);
    top->addWidget(experts, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addLayout(buttons);

    connect(m_run, &QPushButton::clicked, this, &CounterfactualControls::runRequested);
    connect(m_reset, &QPushButton::clicked, this, [this] { setIntervention(mor::Intervention{}); });
    connect(m_ownGates, &QCheckBox::toggled, this, &CounterfactualControls::updateEnabled);
    setModel(0, 1);
}

void CounterfactualControls::setModel(int experts, int maxDepth) {
    m_haltAt->setRange(0, std::max(1, maxDepth));
    if (experts == int(m_veto.size())) {
        return;
    }
    qDeleteAll(m_names);
    qDeleteAll(m_veto);
    qDeleteAll(m_route);
    qDeleteAll(m_gate);
    m_names.clear();
    m_veto.clear();
    m_route.clear();
    m_gate.clear();
    for (int e = 0; e < experts; ++e) {
        auto* name = new QLabel(tr("E%1").arg(e), this);
        auto* veto = new QCheckBox(this);
        veto->setObjectName(QStringLiteral("cfVeto%1").arg(e));
        veto->setToolTip(tr("Drop expert %1 from every selection and fuse the rest").arg(e));
        auto* route = new QCheckBox(this);
        route->setObjectName(QStringLiteral("cfRoute%1").arg(e));
        route->setToolTip(tr("Route the input to exactly the checked experts"));
        auto* gate = new QDoubleSpinBox(this);
        gate->setObjectName(QStringLiteral("cfGate%1").arg(e));
        gate->setRange(0.0, 1.0);
        gate->setDecimals(3);
        gate->setSingleStep(0.05);
        gate->setValue(1.0);
        connect(route, &QCheckBox::toggled, this, &CounterfactualControls::updateEnabled);
        m_grid->addWidget(name, e + 1, 0);
        m_grid->addWidget(veto, e + 1, 1, Qt::AlignHCenter);
        m_grid->addWidget(route, e + 1, 2, Qt::AlignHCenter);
        m_grid->addWidget(gate, e + 1, 3);
        m_names.push_back(name);
        m_veto.push_back(veto);
        m_route.push_back(route);
        m_gate.push_back(gate);
    }
    updateEnabled();
}

void CounterfactualControls::updateEnabled() {
    for (size_t e = 0; e < m_gate.size(); ++e) {
        m_gate[e]->setEnabled(m_ownGates->isChecked() && m_route[e]->isChecked());
    }
}

mor::Intervention CounterfactualControls::intervention() const {
    mor::Intervention iv;
    iv.forceHalt = m_haltAt->value();
    iv.extraSteps = m_extra->value();
    iv.noCritiqueFeedback = m_noFeedback->isChecked();
    for (size_t e = 0; e < m_veto.size(); ++e) {
        if (m_veto[e]->isChecked()) {
            iv.veto.push_back(int(e));
        }
        if (m_route[e]->isChecked()) {
            iv.route.push_back(int(e));
            if (m_ownGates->isChecked()) {
                iv.routeGates.push_back(float(m_gate[e]->value()));
            }
        }
    }
    return iv;
}

void CounterfactualControls::setIntervention(const mor::Intervention& iv) {
    m_haltAt->setValue(int(iv.forceHalt));
    m_extra->setValue(int(iv.extraSteps));
    m_noFeedback->setChecked(iv.noCritiqueFeedback);
    m_ownGates->setChecked(!iv.routeGates.empty());
    for (size_t e = 0; e < m_veto.size(); ++e) {
        const auto has = [e](const std::vector<int>& v) {
            return std::find(v.begin(), v.end(), int(e)) != v.end();
        };
        m_veto[e]->setChecked(has(iv.veto));
        m_route[e]->setChecked(has(iv.route));
        const auto at = std::find(iv.route.begin(), iv.route.end(), int(e));
        const size_t i = size_t(at - iv.route.begin());
        m_gate[e]->setValue(
            at != iv.route.end() && i < iv.routeGates.size() ? double(iv.routeGates[i]) : 1.0);
    }
    updateEnabled();
}

void CounterfactualControls::setRunEnabled(bool enabled) {
    m_run->setEnabled(enabled);
}

QString CounterfactualControls::describe(const mor::Intervention& iv) {
    QStringList parts;
    const auto list = [](const std::vector<int>& v) {
        QStringList l;
        for (int x : v) {
            l << tr("E%1").arg(x);
        }
        return l.join(QStringLiteral(", "));
    };
    if (iv.forceHalt > 0) {
        parts << tr("halt at t=%1").arg(iv.forceHalt);
    }
    if (iv.extraSteps > 0) {
        parts << tr("%n extra step(s)", nullptr, int(iv.extraSteps));
    }
    if (!iv.veto.empty()) {
        parts << tr("veto %1").arg(list(iv.veto));
    }
    if (!iv.route.empty()) {
        QString route = tr("route to %1").arg(list(iv.route));
        if (!iv.routeGates.empty()) {
            QStringList gates;
            for (float g : iv.routeGates) {
                gates << QString::number(double(g), 'f', 3);
            }
            route += tr(" (gates %1)").arg(gates.join(QStringLiteral(", ")));
        }
        parts << route;
    }
    if (iv.noCritiqueFeedback) {
        parts << tr("no critique feedback");
    }
    return parts.isEmpty() ? tr("no change") : parts.join(QStringLiteral("; "));
}

} // namespace inspect
