package llm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParameterCountTest {
    @Test
    void gpt2Small() {
        ParameterCount p = ParameterCount.gpt2(50257, 1024, 768, 12, 3072, true);
        assertEquals(124_439_808L, p.total());
        assertEquals(50257L * 768 + 1024 * 768, p.embeddings());
        assertEquals(12L * (768 * 2304 + 2304 + 768 * 768 + 768), p.attention());
        assertEquals(12L * (768 * 3072 + 3072 + 3072 * 768 + 768), p.mlp());
        assertEquals(12L * 4 * 768 + 2 * 768, p.norms());
        assertEquals(0, p.head());
        assertEquals(124_439_808L + 50257L * 768, ParameterCount.gpt2(50257, 1024, 768, 12, 3072, false).total());
    }

    @Test
    void stories260K() {
        // dim 64, hidden 172, 5 layers, 8 heads, 4 kv heads (kv width 32), vocab 512, shared classifier
        ParameterCount p = ParameterCount.llama(512, 64, 5, 8, 4, 172, true);
        assertEquals(512 * 64, p.embeddings());
        assertEquals(5 * (64 * 64 * 2 + 2 * 64 * 32), p.attention());
        assertEquals(5 * 3 * 64 * 172, p.mlp());
        assertEquals(5 * 2 * 64 + 64, p.norms());
        assertEquals(260_032, p.total());
    }

    @Test
    void partsOfTensorNames() {
        assertEquals("embeddings", ParameterCount.partOf("transformer.wte.weight"));
        assertEquals("embeddings", ParameterCount.partOf("transformer.wpe.weight"));
        assertEquals("norms", ParameterCount.partOf("transformer.h.0.ln_1.bias"));
        assertEquals("attention", ParameterCount.partOf("transformer.h.3.attn.c_attn.weight"));
        assertEquals("attention", ParameterCount.partOf("transformer.h.3.attn.c_proj.bias"));
        assertEquals("mlp", ParameterCount.partOf("transformer.h.3.mlp.c_proj.weight"));
        assertEquals("norms", ParameterCount.partOf("transformer.ln_f.weight"));
        assertEquals("head", ParameterCount.partOf("lm_head.weight"));
        assertEquals("embeddings", ParameterCount.partOf("model.embed_tokens.weight"));
        assertEquals("attention", ParameterCount.partOf("model.layers.0.self_attn.k_proj.weight"));
        assertEquals("mlp", ParameterCount.partOf("model.layers.0.mlp.gate_proj.weight"));
        assertEquals("norms", ParameterCount.partOf("model.layers.0.post_attention_layernorm.weight"));
        assertEquals("norms", ParameterCount.partOf("model.norm.weight"));
        assertNull(ParameterCount.partOf("rotary.inv_freq"));
    }

    @Test
    void tallyMatchesFormula() {
        Map<String, Long> t = new LinkedHashMap<>();
        t.put("model.embed_tokens.weight", 512L * 64);
        for (int l = 0; l < 5; l++) {
            String p = "model.layers." + l + ".";
            t.put(p + "input_layernorm.weight", 64L);
            t.put(p + "self_attn.q_proj.weight", 64L * 64);
            t.put(p + "self_attn.k_proj.weight", 32L * 64);
            t.put(p + "self_attn.v_proj.weight", 32L * 64);
            t.put(p + "self_attn.o_proj.weight", 64L * 64);
            t.put(p + "post_attention_layernorm.weight", 64L);
            t.put(p + "mlp.gate_proj.weight", 172L * 64);
            t.put(p + "mlp.up_proj.weight", 172L * 64);
            t.put(p + "mlp.down_proj.weight", 172L * 64);
        }
        t.put("model.norm.weight", 64L);
        assertEquals(ParameterCount.llama(512, 64, 5, 8, 4, 172, true).byPart(),
                new LinkedHashMap<>(ParameterCount.tally(t)));
    }
}
