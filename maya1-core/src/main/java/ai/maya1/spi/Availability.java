package ai.maya1.spi;

/** Whether a backend can run here, and why (shown by {@code maya1 info} and logged at selection). */
public record Availability(boolean available, String reason) {
    public static Availability yes(String reason) {
        return new Availability(true, reason);
    }

    public static Availability no(String reason) {
        return new Availability(false, reason);
    }
}
