/**
 * Maya1 as a Spring AI speech model: {@link ai.maya1.spring.ai.Maya1TextToSpeechModel} and its options. Null-marked
 * like Spring AI itself: what may be null says so.
 */
@NullMarked
package ai.maya1.spring.ai;

import org.jspecify.annotations.NullMarked;
