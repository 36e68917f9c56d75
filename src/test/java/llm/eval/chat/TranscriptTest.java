package llm.eval.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import llm.UserException;
import llm.eval.fewshot.Completer;
import org.junit.jupiter.api.Test;

class TranscriptTest {
    @Test
    void defaultTranscriptIsAHelpfulAssistant() {
        Transcript t = Transcript.defaults();
        assertTrue(t.preamble().startsWith("The following is a conversation between a curious human and an AI assistant."));
        assertTrue(t.preamble().endsWith("does not know something.\n\n"), t.preamble());
        assertEquals(8, t.turns().size());
        assertTrue(t.turns().get(0).human());
        assertEquals("Why is the sky blue?", t.turns().get(2).text());
        assertFalse(t.turns().get(7).human());
        String p = t.prompt(t.turns(), "  What is 2+2? ");
        assertTrue(p.endsWith("Assistant: Sure: \"hat\". Others are \"bat\", \"mat\" and \"sat\".\nHuman: What is 2+2?\nAssistant:"), p);
        assertEquals(List.of("\nHuman", "\nAssistant"), t.stops());
    }

    @Test
    void fileFormWithMultiLineTurnsAndOtherLabels() {
        String text = "A chat.\n\nUser: hi\nBot: hello\nthere\n\nUser: bye\nBot: see you\nUser:\n";
        Transcript t = Transcript.parse(text, "User", "Bot", "f");
        assertEquals("A chat.\n\n", t.preamble());
        assertEquals(List.of(Turn.human("hi"), Turn.assistant("hello\nthere"), Turn.human("bye"), Turn.assistant("see you")), t.turns());
        assertEquals("A chat.\n\nUser: hi\nBot: hello\nthere\nUser: bye\nBot: see you\nUser: ok?\nBot:", t.prompt(t.turns(), "ok?"));
        Transcript noPreamble = Transcript.parse("Human: a\nAssistant: b", "Human", "Assistant", "f");
        assertEquals("", noPreamble.preamble());
        assertEquals("Just a preamble\n", Transcript.parse("Just a preamble", "Human", "Assistant", "f").preamble());
        assertThrows(UserException.class, () -> Transcript.parse("  \n", "Human", "Assistant", "f"));
        assertThrows(UserException.class, () -> Transcript.parse("x", "Human", "Human", "f"));
        assertThrows(UserException.class, () -> Transcript.parse("x", "Hu:man", "Assistant", "f"));
    }

    /** A base model that answers and then, as the lecture shows, invents the human's next question. */
    static Completer rambler(String answer, List<String> promptsSeen) {
        return (prompt, stops, max) -> {
            promptsSeen.add(prompt);
            return " " + answer + "\nHuman: And what about the moon?\nAssistant: The moon is";
        };
    }

    static final ToIntFunction<String> CHARS = String::length;

    @Test
    void answerStopsBeforeTheInventedHumanTurn() {
        List<String> prompts = new ArrayList<>();
        ChatSession chat = new ChatSession(Transcript.defaults(), false);
        assertEquals("Four.", chat.ask(rambler("Four.", prompts), "What is 2+2?", 64, 100_000, CHARS));
        assertEquals("It is 3.", chat.ask(rambler("It is 3.", prompts), "And 1+2?", 64, 100_000, CHARS));
        assertFalse(prompts.get(1).contains("2+2"), "one answer per line: no memory without a TTY");
        assertTrue(chat.history().isEmpty());
    }

    @Test
    void interactiveSessionRemembersAndTrimsOldestTurns() {
        Transcript t = Transcript.parse("Preamble.\nHuman: q1\nAssistant: a1\nHuman: q2\nAssistant: a2\n", "Human", "Assistant", "f");
        List<String> prompts = new ArrayList<>();
        ChatSession chat = new ChatSession(t, true);
        chat.ask(rambler("first", prompts), "m1", 8, 1000, CHARS);
        assertEquals("Preamble.\nHuman: q1\nAssistant: a1\nHuman: q2\nAssistant: a2\nHuman: m1\nAssistant:", prompts.get(0));
        chat.ask(rambler("second", prompts), "m2", 8, 1000, CHARS);
        assertTrue(prompts.get(1).endsWith("Human: m1\nAssistant: first\nHuman: m2\nAssistant:"), prompts.get(1));
        assertEquals(4, chat.history().size());
        // budgets that fit the preamble, the last N exchanges and the message: the oldest exchanges go first
        String keep3 = "Preamble.\nHuman: q2\nAssistant: a2\nHuman: m1\nAssistant: first\nHuman: m2\nAssistant: second\nHuman: m3\nAssistant:";
        assertEquals(keep3, chat.prompt("m3", keep3.length(), CHARS), "the transcript's first exchange goes");
        String keep2 = "Preamble.\nHuman: m1\nAssistant: first\nHuman: m2\nAssistant: second\nHuman: m3\nAssistant:";
        assertEquals(keep2, chat.prompt("m3", keep3.length() - 1, CHARS), "whole exchanges go, the oldest first");
        String minimal = chat.prompt("m3", 30, CHARS);
        assertEquals("Preamble.\nHuman: m3\nAssistant:", minimal);
        UserException e = assertThrows(UserException.class, () -> chat.prompt("m3", 10, CHARS));
        assertTrue(e.getMessage().contains("more than the 10"), e.getMessage());
    }

    @Test
    void fullWidthColonsOfChineseTranscriptsStartTurns() {
        String text = "以下是对话。\n用户：你好\n助手：你好！\n用户: 天空为什么是蓝色的？\n助手：因为散射。\n";
        Transcript t = Transcript.parse(text, "用户", "助手", "zh.txt");
        assertEquals(List.of(Turn.human("你好"), Turn.assistant("你好！"), Turn.human("天空为什么是蓝色的？"),
                Turn.assistant("因为散射。")), t.turns());
        assertEquals('\uFF1A', t.colon()); // the first turn's colon, used in the prompt (no space after it)
        assertEquals("以下是对话。\n用户：你好\n助手：你好！\n用户：天空为什么是蓝色的？\n助手：因为散射。\n用户：你是谁？\n助手：",
                t.prompt(t.turns(), "你是谁？"));
        assertEquals(':', Transcript.defaults().colon()); // the built-in transcript's
        assertThrows(UserException.class, () -> Transcript.parse(text, "用户：", "助手", "zh.txt"));
    }

    @Test
    void turnsThatDoNotFitAreCountedOrRefusedWithKeepTurns() {
        Transcript t = Transcript.defaults();
        ToIntFunction<String> chars = String::length;
        ChatSession.Fit all = new ChatSession(t, false).fit("hi", 100_000, chars);
        assertEquals(8, all.kept());
        assertEquals(0, all.dropped());
        ChatSession.Fit cut = new ChatSession(t, false).fit("hi", all.tokens() - 1, chars);
        assertEquals(2, cut.dropped()); // one whole exchange
        assertEquals(6, cut.kept());
        assertEquals(cut.prompt().length(), cut.tokens());
        ChatSession.Fit two = new ChatSession(t, false, 2).fit("hi", 100_000, chars);
        assertEquals(2, two.kept());
        assertEquals(6, two.dropped());
        UserException e = assertThrows(UserException.class, () -> new ChatSession(t, false, 2).fit("hi", 300, chars));
        assertTrue(e.getMessage().startsWith("the prompt with the last 2 turns (--keep-turns 2) takes " + two.tokens()
                + " tokens, more than the 300 the model's context leaves for it"), e.getMessage());
    }
}
