#pragma once
// The setup view's parts for the model family "recursion" (Mixture-of-Recursions on token
// sequences): the family choice, the "Recursion" group with every field of model.recursion,
// and which of its rows the chosen routing uses. Widget ranges are the validator's
// (core/src/config/config_validation.cpp, checkRecursion): what a spin box offers is valid;
// what depends on two fields (heads must divide d_model, the capacity list) the validator
// explains at the field.
#include "mor/config.h"

class QComboBox;
class QGridLayout;
class QGroupBox;
class QWidget;

namespace setup {

class ConfigBinding;

namespace SetupRecursion {

/// The model.family combo (reflection | recursion), bound through `binding`.
QComboBox* familyChoice(ConfigBinding& binding, QWidget* parent);
/// The "Recursion" group: every field of model.recursion.
QGroupBox* section(ConfigBinding& binding, QWidget* parent);
/// Shows only the rows `routing` uses (e.g. capacity for expert_choice, depth_capacity for
/// mixture_of_depths); ConfigBinding keeps a row with a validation error visible anyway.
void showRowsFor(ConfigBinding& binding, mor::RecursionRouting routing);
/// After model.family was switched: a data kind the new family cannot train on becomes the
/// family's default (addition for recursion, parity for reflection). True when it changed.
bool fitDataToFamily(mor::ExperimentConfig& config);

/// The recursion family's form: data set, recursion section, training.
struct FormSections {
    QWidget* data;
    QWidget* recursion;
    QWidget* training;
};
/// How many columns (3, 2, 1) of `sections` fit `width` in `grid` without cutting one off.
int columnsFor(const QGridLayout& grid, const FormSections& sections, int width);
/// Puts the sections into `grid` (from which they were removed) in `columns` columns: side by
/// side; the training under the data set with the recursion section beside them; stacked.
void placeSections(QGridLayout& grid, const FormSections& sections, int columns);

} // namespace SetupRecursion

} // namespace setup
