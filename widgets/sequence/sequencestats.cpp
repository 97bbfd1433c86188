#include "sequence/sequencestats.h"

#include "sequence/tokenstyle.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QStringList>

#include <algorithm>

namespace sequence {

bool usesDifficultyClasses(const std::vector<mor::TokenTrace>& traces) {
    return std::any_of(traces.begin(), traces.end(),
                       [](const mor::TokenTrace& t) { return !t.difficultyNames.empty(); });
}

int maxDepthOf(const std::vector<mor::TokenTrace>& traces) {
    int deepest = 0;
    for (const auto& trace : traces) {
        deepest = std::max(deepest, trace.maxRecursions);
        for (const auto& token : trace.tokens) {
            deepest = std::max(deepest, token.depth);
        }
    }
    return deepest;
}

std::vector<ClassDepth> depthByClass(const std::vector<mor::TokenTrace>& traces) {
    const int maxDepth = maxDepthOf(traces);
    std::vector<ClassDepth> classes;
    const bool byDifficulty = usesDifficultyClasses(traces);
    if (byDifficulty) {
        for (const auto& trace : traces) {
            for (size_t i = classes.size(); i < trace.difficultyNames.size(); ++i) {
                ClassDepth c;
                c.name = difficultyClassName(trace.difficultyNames[i]);
                classes.push_back(c);
            }
        }
    } else {
        for (int i = 0; i < kCharClassCount; ++i) {
            ClassDepth c;
            c.name = charClassName(CharClass(i));
            classes.push_back(c);
        }
    }
    for (auto& c : classes) {
        c.depthCounts.assign(size_t(std::max(maxDepth, 0)), 0);
    }
    std::vector<double> sums(classes.size(), 0.0);
    for (const auto& trace : traces) {
        for (const auto& token : trace.tokens) {
            if (token.depth < 1) {
                continue;
            }
            const int cls = byDifficulty ? token.difficulty : int(charClassOf(token.text));
            if (cls < 0 || cls >= int(classes.size())) {
                continue;
            }
            ClassDepth& c = classes[size_t(cls)];
            ++c.tokens;
            sums[size_t(cls)] += token.depth;
            ++c.depthCounts[size_t(token.depth - 1)];
        }
    }
    for (size_t i = 0; i < classes.size(); ++i) {
        classes[i].meanDepth = classes[i].tokens > 0 ? sums[i] / classes[i].tokens : 0.0;
    }
    return classes;
}

double meanDepth(const std::vector<mor::TokenTrace>& traces) {
    return mor::traceCounts(traces).meanDepth();
}

QString tokenName(const Vocabulary& vocabulary, int64_t id) {
    if (id < 0) {
        return QStringLiteral("—");
    }
    const auto it = vocabulary.find(id);
    return it != vocabulary.end() ? quoted(it->second) : QStringLiteral("#%1").arg(id);
}

std::string sequenceText(const mor::TokenTrace& trace) {
    std::string text;
    for (const auto& token : trace.tokens) {
        text += token.text;
    }
    return text;
}

QString difficultyClassName(const std::string& name) {
    // The names core's sequence data sets give their classes (core has no translations).
    static const char* const kNames[] = {
        QT_TRANSLATE_NOOP("sequence", "no carry"),
        QT_TRANSLATE_NOOP("sequence", "carry"),
        QT_TRANSLATE_NOOP("sequence", "carry chain >= 2"),
    };
    const QString text = QString::fromStdString(name);
    for (const char* known : kNames) {
        if (name == known) {
            return QCoreApplication::translate("sequence", known);
        }
    }
    static const QRegularExpression positions(QStringLiteral("^positions (\\d+)-(\\d+)$"));
    const QRegularExpressionMatch m = positions.match(text);
    if (m.hasMatch()) {
        return QCoreApplication::translate("sequence", "positions %1-%2")
            .arg(m.captured(1), m.captured(2));
    }
    return text;
}

bool predictsNextToken(const mor::TokenTrace& trace) {
    bool scored = false;
    for (size_t i = 0; i + 1 < trace.tokens.size(); ++i) {
        const mor::TokenStep& token = trace.tokens[i];
        if (token.target >= 0) {
            scored = true;
            if (token.targetText != trace.tokens[i + 1].text) {
                return false;
            }
        }
    }
    return scored;
}

QString trailingTarget(const mor::TokenTrace& trace) {
    if (trace.tokens.empty() || trace.tokens.back().target < 0 || !predictsNextToken(trace)) {
        return {};
    }
    return displayText(trace.tokens.back().targetText);
}

QString droppedCharacters(const QString& typed, const mor::TokenTrace& trace, bool* cutAtStart) {
    QStringList missing;
    for (const std::string& c : mor::droppedCharacters(typed.toStdString(), trace, cutAtStart)) {
        missing << QStringLiteral("“%1”").arg(c == " " ? QStringLiteral("␣")
                                                       : QString::fromStdString(c));
    }
    return missing.join(QStringLiteral(", "));
}

AnswerText answerOf(const mor::TokenTrace& trace, const Vocabulary& vocabulary) {
    AnswerText answer;
    if (trace.tokens.empty() || trace.tokens.front().target >= 0) {
        return answer; // every position scored: a text, not a question and its answer
    }
    for (const mor::TokenStep& token : trace.tokens) {
        if (token.target < 0) {
            continue;
        }
        ++answer.count;
        answer.right += token.pred == token.target ? 1 : 0;
        answer.expected += displayText(token.targetText);
        const auto it = vocabulary.find(token.pred);
        answer.predicted += it != vocabulary.end() ? displayText(it->second) : QStringLiteral("?");
    }
    return answer;
}

} // namespace sequence
