#pragma once
// Builders of the setup view's form groups (router, integration, training). Each binds its
// widgets to config fields through a ConfigBinding. Spin boxes never track the keyboard, so
// one typed value is one edit (and one undo step); their ranges are wider than the valid
// ones on purpose, so the validator (not the widget) explains what is wrong.
#include "mor/config.h"

#include <QStringList>

class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QSpinBox;
class QWidget;

namespace setup {

class ConfigBinding;

namespace SetupSections {

QGroupBox* router(ConfigBinding& binding, QWidget* parent);
QGroupBox* integration(ConfigBinding& binding, QWidget* parent);
QGroupBox* training(ConfigBinding& binding, QWidget* parent);
/// Shows only the router rows the chosen strategy uses.
void showRouterRowsFor(ConfigBinding& binding, mor::RoutingStrategy strategy);
/// Shows the re-reflect rows only for that resolution.
void showIntegrationRowsFor(ConfigBinding& binding, mor::ConflictResolution resolution);

QSpinBox* intSpin(QWidget* parent, int min, int max);
QDoubleSpinBox* realSpin(QWidget* parent, double min, double max, int decimals, double step);
/// A combo whose items show and carry the given JSON values.
QComboBox* choice(QWidget* parent, const QStringList& values);

} // namespace SetupSections

} // namespace setup
