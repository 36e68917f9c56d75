package llm.train;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;
import llm.model.LanguageModel;
import llm.model.Parameter;

/** A {@link LanguageModel} (GPT-2 or Llama from llm.model) as the training loop sees it. */
public record LanguageModelTraining(LanguageModel model) implements TrainModel {
    @Override
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> m = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) {
            m.put(p.name(), p.array());
        }
        return m;
    }

    @Override
    public NDArray forward(NDArray ids) {
        return model.forward(ids);
    }

    @Override
    public int vocabSize() {
        return model.config().vocabSize();
    }
}
