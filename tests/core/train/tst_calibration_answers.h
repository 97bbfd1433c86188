#pragma once
// model.calibration "answer-temperature" (tst_calibration_answers.cpp), run by TstCalibration.

namespace calibration_answers_test {

void rawEquivalentThresholdHandValues();
void answerFitMapsTheThreshold();
void mappedThresholdHaltsLikeRawCritic();
void answerCheckpointKeepsTAndThreshold();
void validationMeasuresWhatTheCheckpointAnswers();

} // namespace calibration_answers_test
